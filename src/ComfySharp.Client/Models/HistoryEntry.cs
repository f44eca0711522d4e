using System.Text.Json.Nodes;
using ComfySharp.Client.Events;

namespace ComfySharp.Client;

/// <summary>One entry of <c>/history</c> (protocol.md §2.8).</summary>
/// <param name="PromptId">The prompt.</param>
/// <param name="Prompt">The queue tuple it ran as.</param>
/// <param name="Outputs">UI outputs per node.</param>
/// <param name="StatusText"><c>status.status_str</c>: <c>success</c> or <c>error</c>.</param>
/// <param name="Completed"><c>status.completed</c>.</param>
/// <param name="Raw">The raw entry.</param>
public sealed record HistoryEntry(string PromptId, QueueItem? Prompt, IReadOnlyDictionary<string, NodeOutputs> Outputs, string? StatusText, bool Completed,
    JsonObject Raw)
{
    /// <summary>The recorded <c>[event, data]</c> messages (execution_start, execution_cached, and how it ended).</summary>
    public IReadOnlyList<(string Event, JsonObject Data)> Messages { get; init; } = [];

    /// <summary>The recorded <c>execution_error</c>, if the prompt failed in a node.</summary>
    public ExecutionErrorInfo? Error
    {
        get
        {
            foreach (var (name, data) in Messages)
            {
                if (name == "execution_error") return ExecutionErrorInfo.FromJson(data);
            }
            return null;
        }
    }

    /// <summary>True when an <c>execution_interrupted</c> was recorded.</summary>
    public bool Interrupted
    {
        get
        {
            foreach (var (name, _) in Messages)
            {
                if (name == "execution_interrupted") return true;
            }
            return false;
        }
    }

    internal static HistoryEntry FromJson(string promptId, JsonObject entry)
    {
        var status = entry["status"] as JsonObject;
        var messages = new List<(string, JsonObject)>();
        if (status?["messages"] is JsonArray list)
        {
            foreach (var m in list)
            {
                if (m is JsonArray { Count: >= 2 } pair && EventParser.Str(pair[0]) is { } name) messages.Add((name, pair[1] as JsonObject ?? []));
            }
        }
        return new HistoryEntry(promptId, QueueItem.FromTuple(entry["prompt"]), NodeOutputs.FromJson(entry["outputs"] as JsonObject),
            EventParser.Str(status?["status_str"]), status?["completed"] is JsonValue c && c.TryGetValue<bool>(out var done) && done, entry)
        { Messages = messages };
    }
}
