using System.Text.Json.Nodes;
using ComfySharp.Client.Events;

namespace ComfySharp.Client;

/// <summary>One queued or running prompt: the 5-element tuple <c>[number, prompt_id, prompt, extra_data, outputs_to_execute]</c>.</summary>
/// <param name="Number">Its priority.</param>
/// <param name="PromptId">Its id.</param>
/// <param name="Prompt">The (validated) API-format graph.</param>
/// <param name="ExtraData">Its extra_data (includes <c>client_id</c>).</param>
/// <param name="OutputsToExecute">The output nodes that run.</param>
public sealed record QueueItem(double Number, string PromptId, JsonObject Prompt, JsonObject ExtraData, IReadOnlyList<string> OutputsToExecute)
{
    /// <summary>The client id that queued it, if any.</summary>
    public string? ClientId => EventParser.Str(ExtraData["client_id"]);

    internal static QueueItem? FromTuple(JsonNode? node)
    {
        if (node is not JsonArray t || t.Count < 2 || EventParser.Str(t[1]) is not { } id) return null;
        return new QueueItem(EventParser.Num(t[0]) ?? 0, id, t.Count > 2 && t[2] is JsonObject p ? p : [],
            t.Count > 3 && t[3] is JsonObject e ? e : [], t.Count > 4 ? EventParser.Strings(t[4]) : []);
    }
}
