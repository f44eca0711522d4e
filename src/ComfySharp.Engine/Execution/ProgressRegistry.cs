using System.Runtime.InteropServices;
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
    // The record of every node started and not yet finished; a finished node keeps only its id (null), so a long graph's
    // records die young instead of staying for the whole prompt.
    private readonly Dictionary<string, NodeProgress?> _nodes = new(graph.Count, StringComparer.Ordinal);
    private readonly Dictionary<string, Throttle> _throttles = new(StringComparer.Ordinal);
    private readonly List<NodeProgress> _running = [];
    private readonly List<NodeProgress> _sent = [];

    public void Start(string nodeId)
    {
        lock (_lock)
        {
            ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_nodes, nodeId, out _);
            var node = entry ??= Create(nodeId);
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
            _nodes[nodeId] = null;
        }
    }

    public void Progress(NodeContext context, double value, double max, PreviewImage? preview)
    {
        lock (_lock)
        {
            var now = time.GetTimestamp();
            ref var throttle = ref CollectionsMarshal.GetValueRefOrAddDefault(_throttles, context.NodeId, out var existed);
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

    /// <summary>The node's record; a finished node's is made again, finished (it only reports after its end if a task it left does).</summary>
    private NodeProgress Get(string nodeId)
    {
        ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_nodes, nodeId, out var existed);
        if (entry is { } node) return node;
        node = Create(nodeId);
        if (existed) node.Finished = true;
        else entry = node;
        return node;
    }

    private NodeProgress Create(string nodeId) =>
        new(nodeId, graph.GetDisplayNodeId(nodeId), graph.GetParentNodeId(nodeId), graph.GetRealNodeId(nodeId));

    private record struct Throttle(long LastTimestamp, double LastValue);
}
