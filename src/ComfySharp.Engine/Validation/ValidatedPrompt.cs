using System.Text.Json.Nodes;
using ComfySharp.Engine.Graph;

namespace ComfySharp.Engine.Validation;

/// <summary>
/// The outcome of validating a prompt: either an error (HTTP 400) or the outputs to execute, with the typed nodes.
/// <see cref="NodeErrors"/> may be non-empty in both cases (some outputs failed, others survive).
/// </summary>
public sealed class ValidatedPrompt
{
    public required bool IsValid { get; init; }
    public JsonObject? Error { get; init; }
    public required JsonObject NodeErrors { get; init; }
    public IReadOnlyList<string> Outputs { get; init; } = [];
    /// <summary>Every node of the prompt (inputs typed by validation where validated), in the client's order.</summary>
    public IReadOnlyList<PromptNode> Nodes { get; init; } = [];

    public static ValidatedPrompt Fail(JsonObject error, JsonObject? nodeErrors = null) =>
        new() { IsValid = false, Error = error, NodeErrors = nodeErrors ?? [] };
}
