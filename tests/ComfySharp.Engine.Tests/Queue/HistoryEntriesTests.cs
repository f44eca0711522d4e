using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ComfySharp.Engine.Execution;
using ComfySharp.Engine.Queue;

namespace ComfySharp.Engine.Tests.Queue;

public sealed class HistoryEntriesTests
{
    [Theory]
    [InlineData(7.0, """{"1":{"class_type":"PrimitiveString","inputs":{"value":"caf\u00e9 \"x\""}}}""")]
    [InlineData(-2.5, """{"a":{"class_type":"StringConcatenate","inputs":{"string_a":["b",0],"string_b":"","delimiter":""}},"b":{"class_type":"X","inputs":{}}}""")]
    [InlineData(1e16, "{}")]
    public void An_entry_is_the_prompt_bytes_in_the_entry_json(double number, string prompt)
    {
        var item = new QueueItem(number, "9f0e-id", Encoding.UTF8.GetBytes(prompt), new JsonObject { ["client_id"] = "c\u00e9", ["create_time"] = 5 },
            ["1", "out"]);
        var outcome = new ExecutionOutcome(ExecutionStatus.Success,
            [new JsonArray("execution_start", new JsonObject { ["prompt_id"] = "9f0e-id", ["timestamp"] = 1 })],
            new JsonObject { ["out"] = new JsonObject { ["text"] = new JsonArray("x<y>") } },
            new JsonObject { ["out"] = new JsonObject { ["node_id"] = "out" } });

        var record = HistoryEntries.Create(item, outcome, TimeProvider.System);

        Assert.Equal(Encoding.UTF8.GetString(Expected(item, outcome)), record.Json);
        var entry = JsonNode.Parse(record.Utf8Json)!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(prompt), entry["prompt"]![2]));
    }

    // The entry as one writer writes it with the prompt as a raw value.
    private static byte[] Expected(QueueItem item, ExecutionOutcome outcome)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("prompt");
            if (item.Number == Math.Floor(item.Number) && Math.Abs(item.Number) < 1e15) w.WriteNumberValue((long)item.Number);
            else w.WriteNumberValue(item.Number);
            w.WriteStringValue(item.PromptId);
            w.WriteRawValue(item.PromptUtf8, skipInputValidation: true);
            item.ExtraData.WriteTo(w);
            w.WriteStartArray();
            foreach (var o in item.OutputsToExecute) w.WriteStringValue(o);
            w.WriteEndArray();
            w.WriteEndArray();
            w.WritePropertyName("outputs");
            outcome.Outputs.WriteTo(w);
            w.WriteStartObject("status");
            w.WriteString("status_str", outcome.StatusStr);
            w.WriteBoolean("completed", outcome.Status == ExecutionStatus.Success);
            w.WritePropertyName("messages");
            outcome.Messages.WriteTo(w);
            w.WriteEndObject();
            w.WritePropertyName("meta");
            outcome.Meta.WriteTo(w);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
