namespace ComfySharp.Client;

/// <summary>The answer to an accepted <c>POST /prompt</c>.</summary>
/// <param name="PromptId">The prompt's id.</param>
/// <param name="Number">Its priority (not a queue position).</param>
/// <param name="NodeErrors">Outputs that failed validation and will not run (the others will).</param>
public sealed record PromptQueued(string PromptId, double Number, IReadOnlyList<NodeError> NodeErrors);
