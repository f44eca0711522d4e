using System.Text.Json;
using System.Text.Json.Nodes;
using ComfySharp.Engine.Queue;

namespace ComfySharp.Storage.Sqlite;

/// <summary>The stored form of a queue item: its tuple fields as one JSON object (attempts live in their own column).</summary>
internal static class QueueItemJson
{
    /// <summary>The row's UTF-8 JSON, bound to SQLite as it is (no string in between).</summary>
    public static byte[] Write(QueueItem item)
    {
        // Written around a one-byte stand-in for the prompt, then copied once into an array of its exact size with the
        // prompt's bytes in the stand-in's place (as HistoryEntries does): written into the scratch, a long graph's prompt
        // grew it through a large array per doubling, and the scratch, too large to keep, was dropped every time.
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
        return scratch.ToArray(promptAt, item.PromptUtf8);
    }

    public static QueueItem Read(ReadOnlySpan<byte> json, int attempts)
    {
        var o = JsonNode.Parse(json)!.AsObject();
        var outputs = new List<string>();
        if (o["outputs"] is JsonArray array)
        {
            foreach (var item in array) outputs.Add((string)item!);
        }
        return new QueueItem(
            (double)o["number"]!,
            (string)o["prompt_id"]!,
            (JsonObject)o["prompt"]!.DeepClone(),
            (JsonObject)o["extra_data"]!.DeepClone(),
            outputs,
            o["sensitive"] is JsonObject s ? (JsonObject)s.DeepClone() : null,
            attempts);
    }
}
