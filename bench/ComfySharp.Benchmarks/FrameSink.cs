using System.Text.Json.Nodes;
using ComfySharp.Engine.Execution;
using ComfySharp.Engine.Nodes;
using ComfySharp.Server.Sessions;

namespace ComfySharp.Benchmarks;

/// <summary>Serializes every event as the server's hub does for a connected client of the prompt, and drops the frames.</summary>
internal sealed class FrameSink : IExecutionEvents
{
    public long Bytes { get; private set; }

    private void Add(ReadOnlyMemory<byte> frame) => Bytes += frame.Length;

    public void QueueChanged(int queueRemaining) => Add(EventFrames.Status(queueRemaining, null));

    public void ExecutionStart(ExecutionScope scope, long timestamp) => Add(EventFrames.PromptEvent("execution_start", scope.PromptId, timestamp));

    public void ExecutionCached(ExecutionScope scope, IReadOnlyList<string> nodes, long timestamp) =>
        Add(EventFrames.Cached(scope.PromptId, nodes, timestamp));

    public void Executing(ExecutionScope scope, string nodeId, string displayNodeId) =>
        Add(EventFrames.Executing(nodeId, displayNodeId, scope.PromptId));

    public void Progress(ExecutionScope scope, NodeProgress node, double value, double max, PreviewImage? preview) =>
        Add(EventFrames.Progress(scope.PromptId, node.NodeId, value, max));

    public void ProgressState(ExecutionScope scope, IReadOnlyList<NodeProgress> nodes) => Add(EventFrames.ProgressState(scope.PromptId, nodes));

    public void ProgressText(ExecutionScope scope, string nodeId, string text)
    {
    }

    public void Executed(ExecutionScope scope, string nodeId, string displayNodeId, JsonObject? output) =>
        Add(EventFrames.Executed(scope.PromptId, nodeId, displayNodeId, output));

    public void ExecutionSuccess(ExecutionScope scope, long timestamp) => Add(EventFrames.PromptEvent("execution_success", scope.PromptId, timestamp));

    public void ExecutionError(ExecutionScope scope, JsonObject data, bool blocked) => Add(EventFrames.Data("execution_error", data));

    public void ExecutionInterrupted(ExecutionScope scope, JsonObject data) => Add(EventFrames.Data("execution_interrupted", data));

    public void ExecutionDone(ExecutionScope scope) => Add(EventFrames.Executing(null, null, scope.PromptId));
}
