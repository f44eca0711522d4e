using ComfySharp.Engine.Graph;
using ComfySharp.Engine.Nodes;

namespace ComfySharp.Engine.Execution;

/// <summary>
/// Per-prompt node progress behind <c>progress_state</c> and <c>progress</c>, with ComfyUI's ProgressBar throttling:
/// an update goes out at once if it carries a preview, is the first, or reaches the total; otherwise only after
/// 0.1 s and 0.5 % of progress since the last one. Nodes may report from any thread.
/// </summary>
internal sealed class ProgressRegistry(ExecutionScope scope, DynamicPrompt graph, IExecutionEvents events, TimeProvider time) : INodeReporter
{
    private static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(0.1);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, NodeProgress> _nodes = new(graph.Count, StringComparer.Ordinal);
    private readonly Dictionary<string, Throttle> _throttles = new(StringComparer.Ordinal);
    private readonly List<NodeProgress> _running = [];
    private readonly List<NodeProgress> _sent = [];

    public void Start(string nodeId)
    {
        lock (_lock)
        {
            var node = Get(nodeId);
            node.Value = 0;
            node.Max = 1;
            node.Finished = false;
            if (!_running.Contains(node)) _running.Add(node);
            Send(node);
        }
    }

    public void Finish(string nodeId)
    {
        lock (_lock)
        {
            var node = Get(nodeId);
            node.Value = node.Max;
            node.Finished = true;
            _running.Remove(node);
            _throttles.Remove(nodeId);
            Send(node);
        }
    }

    public void Progress(NodeContext context, double value, double max, PreviewImage? preview)
    {
        lock (_lock)
        {
            var now = time.GetTimestamp();
            ref var throttle = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_throttles, context.NodeId, out var existed);
            var forward = preview is not null || !existed || value >= max ||
                (time.GetElapsedTime(throttle.LastTimestamp, now) >= MinInterval && max > 0 && (value - throttle.LastValue) / max >= 0.005);
            if (!forward) return;
            throttle = new Throttle(now, value);

            var node = Get(context.NodeId);
            node.Value = value;
            node.Max = max;
            if (!node.Finished && !_running.Contains(node)) _running.Add(node);
            Send(node);
            events.Progress(scope, node, value, max, preview);
        }
    }

    public void SetProgress(NodeContext context, double value, double max)
    {
        lock (_lock)
        {
            var node = Get(context.NodeId);
            node.Value = value;
            node.Max = max;
            if (!node.Finished && !_running.Contains(node)) _running.Add(node);
            Send(node);
        }
    }

    public void ProgressText(NodeContext context, string text) => events.ProgressText(scope, context.NodeId, text);

    /// <summary>
    /// ComfyUI sends the cumulative map of every non-pending node; on long graphs that is quadratic in their size.
    /// We send the running nodes plus the one that changed, which is what a client needs to draw progress.
    /// </summary>
    /// <remarks>One list reused under the lock: sinks read it during the call only (OrderedEvents copies what it holds).</remarks>
    private void Send(NodeProgress changed)
    {
        var list = _sent;
        list.Clear();
        list.AddRange(_running);
        if (!list.Contains(changed)) list.Add(changed);
        events.ProgressState(scope, list);
        list.Clear();
    }

    private NodeProgress Get(string nodeId)
    {
        if (_nodes.TryGetValue(nodeId, out var node)) return node;
        node = new NodeProgress(nodeId, graph.GetDisplayNodeId(nodeId), graph.GetParentNodeId(nodeId), graph.GetRealNodeId(nodeId));
        _nodes[nodeId] = node;
        return node;
    }

    private record struct Throttle(long LastTimestamp, double LastValue);
}
