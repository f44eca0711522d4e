using System.Text.Json.Nodes;
using ComfySharp.Engine.Nodes;

namespace ComfySharp.Engine.Execution;

/// <summary>
/// Keeps events in the order they were raised while the worker runs ahead of its commits. The worker starts the next
/// prompt while the previous history entry is still being committed; that prompt's <c>executing {node: null}</c> must
/// still come first (only then may a client read the history, and clients expect one prompt's events to end before the
/// next prompt's begin). <see cref="After"/> places such a barrier: events raised after it are held, in order, until the
/// commit completes and the barrier's own events have gone out. Without a barrier waiting, events pass straight through.
/// </summary>
public sealed class OrderedEvents(IExecutionEvents inner) : IExecutionEvents
{
    private readonly Lock _lock = new();
    private readonly Queue<Held> _held = new();

    private readonly record struct Held(Task? Barrier, Action<IExecutionEvents> Raise);

    /// <summary>Raises <paramref name="then"/>'s events once <paramref name="barrier"/> completes (whether or not it failed); later events wait for them.</summary>
    public void After(Task barrier, Action<IExecutionEvents> then)
    {
        lock (_lock)
        {
            if (_held.Count == 0 && barrier.IsCompleted)
            {
                then(inner);
                return;
            }
            _held.Enqueue(new Held(barrier, then));
        }
        barrier.ContinueWith(static (_, state) => ((OrderedEvents)state!).Release(), this, CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void Release()
    {
        lock (_lock)
        {
            while (_held.TryPeek(out var next))
            {
                if (next.Barrier is { IsCompleted: false }) return;
                _held.Dequeue();
                next.Raise(inner);
            }
        }
    }

    // Each event: straight through when nothing is held, else queued behind what is. The lock also keeps events raised
    // from different threads in one order for every client.
    private void Raise(Action<IExecutionEvents> raise)
    {
        lock (_lock)
        {
            if (_held.Count == 0) raise(inner);
            else _held.Enqueue(new Held(null, raise));
        }
    }

    public void QueueChanged(int queueRemaining) => Raise(e => e.QueueChanged(queueRemaining));

    public void ExecutionStart(ExecutionScope scope, long timestamp) => Raise(e => e.ExecutionStart(scope, timestamp));

    public void ExecutionCached(ExecutionScope scope, IReadOnlyList<string> nodes, long timestamp) =>
        Raise(e => e.ExecutionCached(scope, nodes, timestamp));

    public void Executing(ExecutionScope scope, string nodeId, string displayNodeId) => Raise(e => e.Executing(scope, nodeId, displayNodeId));

    public void Progress(ExecutionScope scope, NodeProgress node, double value, double max, PreviewImage? preview) =>
        Raise(e => e.Progress(scope, node, value, max, preview));

    // progress_state carries the live node records; a held one must show them as they were when it was raised.
    public void ProgressState(ExecutionScope scope, IReadOnlyList<NodeProgress> nodes)
    {
        lock (_lock)
        {
            if (_held.Count == 0)
            {
                inner.ProgressState(scope, nodes);
                return;
            }
            var copy = new NodeProgress[nodes.Count];
            for (var i = 0; i < copy.Length; i++) copy[i] = nodes[i] with { };
            _held.Enqueue(new Held(null, e => e.ProgressState(scope, copy)));
        }
    }

    public void ProgressText(ExecutionScope scope, string nodeId, string text) => Raise(e => e.ProgressText(scope, nodeId, text));

    public void Executed(ExecutionScope scope, string nodeId, string displayNodeId, JsonObject? output) =>
        Raise(e => e.Executed(scope, nodeId, displayNodeId, output));

    public void ExecutionSuccess(ExecutionScope scope, long timestamp) => Raise(e => e.ExecutionSuccess(scope, timestamp));

    public void ExecutionError(ExecutionScope scope, JsonObject data, bool blocked) => Raise(e => e.ExecutionError(scope, data, blocked));

    public void ExecutionInterrupted(ExecutionScope scope, JsonObject data) => Raise(e => e.ExecutionInterrupted(scope, data));

    public void ExecutionDone(ExecutionScope scope) => Raise(e => e.ExecutionDone(scope));
}
