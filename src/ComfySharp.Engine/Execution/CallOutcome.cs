using ComfySharp.Engine.Nodes;

namespace ComfySharp.Engine.Execution;

/// <summary>The result of one call of a node over its list inputs: output, blocker, or exception.</summary>
internal readonly record struct CallOutcome(NodeOutput? Output, ExecutionBlocker? Blocker, Exception? Error)
{
    public static CallOutcome Ok(NodeOutput output) => new(output, null, null);

    public static CallOutcome Blocked(ExecutionBlocker blocker) => new(null, blocker, null);

    public static CallOutcome Failed(Exception error) => new(null, null, error);
}
