namespace ComfySharp.Engine.Nodes;

/// <summary>
/// ComfyUI's <c>ExecutionBlocker</c>: placed in an output slot, it stops every consumer of that value from running.
/// With a message, each blocked call reports an <c>execution_error</c> of type <c>ExecutionBlocked</c> and the prompt goes on.
/// </summary>
public sealed class ExecutionBlocker(string? message)
{
    public string? Message { get; } = message;

    public override string ToString() => Message is null ? "ExecutionBlocker" : $"ExecutionBlocker({Message})";
}
