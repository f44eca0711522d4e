using System.Text.Json.Nodes;

namespace ComfySharp.Engine.Queue;

/// <summary>
/// A queued prompt: ComfyUI's queue tuple <c>(number, prompt_id, prompt, extra_data, outputs_to_execute, sensitive)</c>
/// plus how many times a worker has started it (for crash recovery).
/// </summary>
public sealed record QueueItem(
    double Number,
    string PromptId,
    JsonObject Prompt,
    JsonObject ExtraData,
    IReadOnlyList<string> OutputsToExecute,
    JsonObject? Sensitive = null,
    int Attempts = 0)
{
    /// <summary>The validated nodes, kept in memory only; after a restart the worker validates the stored prompt again.</summary>
    public IReadOnlyList<Graph.PromptNode>? Nodes { get; init; }
}
