using System.Text.Json.Nodes;
using ComfySharp.Engine.Execution;
using ComfySharp.Engine.Nodes;

namespace ComfySharp.Engine.Tests;

/// <summary>Events that go nowhere: a test's recorder overrides only the events it looks at.</summary>
internal abstract class IgnoringEvents : IExecutionEvents
{
    public virtual void QueueChanged(int queueRemaining) { }
    public virtual void ExecutionStart(ExecutionScope scope, long timestamp) { }
    public virtual void ExecutionCached(ExecutionScope scope, IReadOnlyList<string> nodes, long timestamp) { }
    public virtual void Executing(ExecutionScope scope, string nodeId, string displayNodeId) { }
    public virtual void Progress(ExecutionScope scope, NodeProgress node, double value, double max, PreviewImage? preview) { }
    public virtual void ProgressState(ExecutionScope scope, IReadOnlyList<NodeProgress> nodes) { }
    public virtual void ProgressText(ExecutionScope scope, string nodeId, string text) { }
    public virtual void Executed(ExecutionScope scope, string nodeId, string displayNodeId, JsonObject? output) { }
    public virtual void ExecutionSuccess(ExecutionScope scope, long timestamp) { }
    public virtual void ExecutionError(ExecutionScope scope, JsonObject data, bool blocked) { }
    public virtual void ExecutionInterrupted(ExecutionScope scope, JsonObject data) { }
    public virtual void ExecutionDone(ExecutionScope scope) { }
}
