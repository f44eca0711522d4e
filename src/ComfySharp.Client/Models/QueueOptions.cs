using System.Text.Json.Nodes;

namespace ComfySharp.Client;

/// <summary>Optional fields of <c>POST /prompt</c> (protocol.md §2.3).</summary>
public sealed record QueueOptions
{
    /// <summary>The prompt id to use: a lowercase hyphenated UUID. Null lets the server choose (RunAsync chooses one itself).</summary>
    public string? PromptId { get; init; }

    /// <summary>Queue ahead of prompts queued without <c>front</c>.</summary>
    public bool Front { get; init; }

    /// <summary>An explicit priority; lower runs first.</summary>
    public double? Number { get; init; }

    /// <summary>Stored with the prompt, e.g. <c>{"extra_pnginfo": {"workflow": …}}</c>.</summary>
    public JsonObject? ExtraData { get; init; }

    /// <summary>Run only these output nodes (and what they need).</summary>
    public IReadOnlyList<string>? PartialExecutionTargets { get; init; }
}
