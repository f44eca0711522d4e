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
        var entry = new JsonObject
        {
            ["prompt"] = QueueTuple(item),
            ["outputs"] = outcome.Outputs,
            ["status"] = new JsonObject
            {
                ["status_str"] = outcome.StatusStr,
                ["completed"] = outcome.Status == ExecutionStatus.Success,
                ["messages"] = outcome.Messages,
            },
            ["meta"] = outcome.Meta,
        };
        return new HistoryRecord(item.PromptId, item.Number, time.GetUtcNow().ToUnixTimeMilliseconds(), entry.ToJsonString());
    }
}
