using System.Text.Json;
using System.Text.Json.Nodes;
using ComfySharp.Engine.Execution;

namespace ComfySharp.Engine.Queue;

/// <summary>Builds history entries in ComfyUI's shape (protocol.md §2.8).</summary>
public static class HistoryEntries
{
    /// <summary>The 5-element queue tuple <c>[number, prompt_id, prompt, extra_data, outputs]</c>; sensitive data never appears.</summary>
    public static JsonArray QueueTuple(QueueItem item)
    {
        var outputs = new JsonArray();
        foreach (var o in item.OutputsToExecute) outputs.Add(o);
        return new JsonArray(NumberJson(item.Number), item.PromptId, item.Prompt.DeepClone(), item.ExtraData.DeepClone(), outputs);
    }

    /// <summary>Integral priorities print as integers, as ComfyUI's counter does; explicit numbers stay floats.</summary>
    public static JsonNode NumberJson(double number) =>
        number == Math.Floor(number) && Math.Abs(number) < 1e15 ? JsonValue.Create((long)number) : JsonValue.Create(number);

    internal static HistoryRecord Create(QueueItem item, ExecutionOutcome outcome, TimeProvider time)
    {
        // The entry is written around a one-byte stand-in for the prompt, whose bytes (those the queue already made) stay
        // apart (HistoryRecord): a large graph is neither cloned, serialized again nor copied into the entry.
        using var scratch = ScratchJson.Start();
        var w = scratch.Writer;
        w.WriteStartObject();
        w.WriteStartArray("prompt");
        if (item.Number == Math.Floor(item.Number) && Math.Abs(item.Number) < 1e15) w.WriteNumberValue((long)item.Number);
        else w.WriteNumberValue(item.Number);
        w.WriteStringValue(item.PromptId);
        var promptAt = scratch.WriteStandIn();
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
        return new HistoryRecord(item.PromptId, item.Number, time.GetUtcNow().ToUnixTimeMilliseconds(), scratch.Written.ToArray(), promptAt,
            item.PromptBytes);
    }
}
