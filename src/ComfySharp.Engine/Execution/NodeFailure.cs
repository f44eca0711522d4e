namespace ComfySharp.Engine.Execution;

/// <summary>A node that raised: which node, what, and the inputs it had (for <c>current_inputs</c>).</summary>
internal sealed record NodeFailure(string NodeId, Exception Error, Dictionary<string, IReadOnlyList<object?>>? Inputs, bool IsCycle = false);
