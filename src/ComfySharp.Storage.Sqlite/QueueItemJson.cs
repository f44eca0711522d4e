using System.Text.Json;
using System.Text.Json.Nodes;
using ComfySharp.Engine.Queue;

namespace ComfySharp.Storage.Sqlite;

/// <summary>The stored form of a queue item: its tuple fields as one JSON object (attempts live in their own column).</summary>
internal static class QueueItemJson
{
    /// <summary>
    /// The row's UTF-8 JSON, bound to SQLite as it is (no string in between). A prompt kept apart (<see cref="PromptRows"/>)
    /// leaves a stand-in, whose place is returned; otherwise the prompt's bytes are in the row (-1).
    /// </summary>
    public static (byte[] Json, int PromptAt) Write(QueueItem item, bool keepPromptApart)
    {
        // Written around a one-byte stand-in for the prompt, then copied once with the prompt's bytes in its place (as
        // HistoryEntries does): the prompt never goes through the scratch.
        using var scratch = ScratchJson.Start();
        var w = scratch.Writer;
        w.WriteStartObject();
        w.WriteNumber("number", item.Number);
        w.WriteString("prompt_id", item.PromptId);
        w.WritePropertyName("prompt");
        var promptAt = scratch.WriteStandIn();
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
        return keepPromptApart ? (scratch.Written.ToArray(), promptAt) : (StandIn.Join(scratch.Written, promptAt, item.PromptUtf8), -1);
    }

    /// <summary>The item of a row written by <see cref="Write"/> and its prompt's bytes.</summary>
    public static QueueItem Read(ReadOnlySpan<byte> json, int promptAt, ReadOnlySpan<byte> prompt, int attempts)
    {
        if (promptAt < 0) return Read(json, attempts);
        var o = JsonNode.Parse(json)!.AsObject();
        return new QueueItem((double)o["number"]!, (string)o["prompt_id"]!, prompt.ToArray(), (JsonObject)o["extra_data"]!.DeepClone(),
            Outputs(o), o["sensitive"] is JsonObject s ? (JsonObject)s.DeepClone() : null) { Attempts = attempts };
    }

    /// <summary>The item of a row that holds its prompt (schema 2).</summary>
    public static QueueItem Read(ReadOnlySpan<byte> json, int attempts)
    {
        var o = JsonNode.Parse(json)!.AsObject();
        return new QueueItem(
            (double)o["number"]!,
            (string)o["prompt_id"]!,
            (JsonObject)o["prompt"]!.DeepClone(),
            (JsonObject)o["extra_data"]!.DeepClone(),
            Outputs(o),
            o["sensitive"] is JsonObject s ? (JsonObject)s.DeepClone() : null,
            attempts);
    }

    private static List<string> Outputs(JsonObject row)
    {
        var outputs = new List<string>();
        if (row["outputs"] is JsonArray array)
        {
            foreach (var item in array) outputs.Add((string)item!);
        }
        return outputs;
    }
}
