using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ComfySharp.Engine.Queue;

namespace ComfySharp.Storage.Sqlite.Tests;

/// <summary>The queue row is the JSON a writer writes with the prompt's bytes as its value, however it is put together.</summary>
public sealed class QueueItemJsonTests
{
    public static TheoryData<string, double, bool> Items => new()
    {
        { """{"1":{"class_type":"PreviewAny","inputs":{"source":"x"}}}""", 1, false },
        { """{"1":{"class_type":"PreviewAny","inputs":{"source":"x"}}}""", -3.5, true },
        { """{"a\"b":{"class_type":"StringConcatenate","inputs":{"string_a":["s",0],"string_b":"é\n\u00e9 🙂","delimiter":"<&>"}}}""", 1e16, false },
        { """{"s":{"class_type":"PrimitiveString","inputs":{"value":"v"}},"c":{"class_type":"StringConcatenate","inputs":{"string_a":["s",0],"string_b":"","delimiter":""}}}""", 0, true },
    };

    [Theory]
    [MemberData(nameof(Items))]
    public void The_row_is_the_writers_json_with_the_prompt_raw(string prompt, double number, bool sensitive)
    {
        var item = new QueueItem(number, Guid.NewGuid().ToString(), Encoding.UTF8.GetBytes(prompt),
            new JsonObject { ["client_id"] = "c\"1", ["create_time"] = 5L }, ["1", "c"],
            sensitive ? new JsonObject { ["api_key_comfy_org"] = "k" } : null);

        var (whole, none) = QueueItemJson.Write(item, keepPromptApart: false);
        Assert.Equal(Reference(item), whole);
        Assert.Equal(-1, none);
        var (row, promptAt) = QueueItemJson.Write(item, keepPromptApart: true);

        // Join also checks that the stand-in stands at promptAt: the row is the reference with the prompt replaced by it.
        Assert.Equal(Reference(item), PromptRows.Join(row, promptAt, item.PromptUtf8));
        var read = QueueItemJson.Read(row, promptAt, item.PromptUtf8, 2);
        Assert.Equal(2, read.Attempts);
        Assert.Equal(item.PromptUtf8.ToArray(), read.PromptUtf8.ToArray());
        Assert.Equal(item.PromptId, read.PromptId);
        Assert.Equal(number, read.Number);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(prompt), read.Prompt));
        Assert.Equal(sensitive, read.Sensitive is not null);
    }

    [Fact]
    public void A_long_prompt_is_copied_as_it_is()
    {
        var nodes = new StringBuilder("{");
        for (var i = 0; i < 5_000; i++)
        {
            if (i > 0) nodes.Append(',');
            nodes.Append("\"c").Append(i).Append("\":").Append("""{"class_type":"StringConcatenate","inputs":{"string_a":"a","string_b":"","delimiter":""}}""");
        }
        nodes.Append('}');
        var item = new QueueItem(7, Guid.NewGuid().ToString(), Encoding.UTF8.GetBytes(nodes.ToString()), [], ["c1"]);

        Assert.Equal(Reference(item), QueueItemJson.Write(item, keepPromptApart: false).Json);
        var (row, promptAt) = QueueItemJson.Write(item, keepPromptApart: true);
        Assert.True(row.Length < 200, "the row holds a stand-in, not the prompt");
        Assert.Equal(Reference(item), PromptRows.Join(row, promptAt, item.PromptUtf8));
    }

    [Fact]
    public void A_row_from_before_prompts_were_kept_apart_is_read_whole()
    {
        var item = new QueueItem(3, Guid.NewGuid().ToString(), Encoding.UTF8.GetBytes("""{"1":{"class_type":"PreviewAny","inputs":{"source":"x"}}}"""),
            [], ["1"]);
        var read = QueueItemJson.Read(Reference(item), -1, default, 1);
        Assert.Equal(item.PromptId, read.PromptId);
        Assert.Equal(1, read.Attempts);
        Assert.Equal(item.PromptUtf8.ToArray(), read.PromptUtf8.ToArray());
    }

    [Fact]
    public void A_row_whose_stand_in_is_not_where_it_says_is_refused()
    {
        Assert.Throws<InvalidDataException>(() => PromptRows.Join("""{"prompt":1}"""u8, 5, "{}"u8));
        Assert.Throws<InvalidDataException>(() => PromptRows.Join("{}"u8, 9, "{}"u8));
    }

    private static byte[] Reference(QueueItem item)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("number", item.Number);
            w.WriteString("prompt_id", item.PromptId);
            w.WritePropertyName("prompt");
            w.WriteRawValue(item.PromptUtf8, skipInputValidation: true);
            w.WritePropertyName("extra_data");
            item.ExtraData.WriteTo(w);
            w.WriteStartArray("outputs");
            foreach (var o in item.OutputsToExecute) w.WriteStringValue(o);
            w.WriteEndArray();
            if (item.Sensitive is not null)
            {
                w.WritePropertyName("sensitive");
                item.Sensitive.WriteTo(w);
            }
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
