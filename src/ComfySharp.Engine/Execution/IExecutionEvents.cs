using System.Text.Json.Nodes;
using ComfySharp.Engine.Nodes;

namespace ComfySharp.Engine.Execution;

/// <summary>
/// Where the engine reports what happens (DESIGN.md "The path of one prompt", step 3). Implementations must not block:
/// the server's hub turns each call into wire frames and routes them by client id (protocol.md §3.3).
/// </summary>
public interface IExecutionEvents
{
    /// <summary>The queue changed (enqueue, dequeue, done, delete, clear): <c>status</c> to every socket.</summary>
    void QueueChanged(int queueRemaining);

    void ExecutionStart(ExecutionScope scope, long timestamp);

    void ExecutionCached(ExecutionScope scope, IReadOnlyList<string> nodes, long timestamp);

    void Executing(ExecutionScope scope, string nodeId, string displayNodeId);

    /// <summary>A forwarded ProgressBar update; previews go as type-4 frames to clients that asked, else as type-1 frames.</summary>
    void Progress(ExecutionScope scope, NodeProgress node, double value, double max, PreviewImage? preview);

    /// <summary><c>progress_state</c>; <paramref name="nodes"/> is the caller's and valid only during the call: copy what you keep.</summary>
    void ProgressState(ExecutionScope scope, IReadOnlyList<NodeProgress> nodes);

    void ProgressText(ExecutionScope scope, string nodeId, string text);

    void Executed(ExecutionScope scope, string nodeId, string displayNodeId, JsonObject? output);

    void ExecutionSuccess(ExecutionScope scope, long timestamp);

    /// <summary><c>execution_error</c>; <paramref name="blocked"/> for an ExecutionBlocker message (client-or-all, prompt goes on).</summary>
    void ExecutionError(ExecutionScope scope, JsonObject data, bool blocked);

    void ExecutionInterrupted(ExecutionScope scope, JsonObject data);

    /// <summary><c>executing {node: null}</c>: the prompt is finished and its history is written.</summary>
    void ExecutionDone(ExecutionScope scope);
}

/// <summary>Which prompt an event belongs to and which client (if any) it goes to.</summary>
public readonly record struct ExecutionScope(string PromptId, string? ClientId);

/// <summary>One node's entry in <c>progress_state</c>.</summary>
public sealed record NodeProgress(string NodeId, string DisplayNodeId, string? ParentNodeId, string RealNodeId)
{
    public double Value { get; set; }
    public double Max { get; set; } = 1;
    public bool Finished { get; set; }

    /// <summary>Copies of the records as they are now, for an event sent later (the registry goes on changing them).</summary>
    public static NodeProgress[] Snapshot(IReadOnlyList<NodeProgress> nodes)
    {
        var copy = new NodeProgress[nodes.Count];
        for (var i = 0; i < copy.Length; i++) copy[i] = nodes[i] with { };
        return copy;
    }
}
