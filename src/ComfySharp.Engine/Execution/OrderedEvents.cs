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

    private readonly record struct Held(Task? Barrier, HeldEvent Event);

    /// <summary>An event waiting behind a barrier: one object holding the arguments and the static raise delegate.</summary>
    private abstract class HeldEvent
    {
        public abstract void Raise(IExecutionEvents events);
    }

    private sealed class HeldEvent<TState>(TState state, Action<IExecutionEvents, TState> raise) : HeldEvent
    {
        public override void Raise(IExecutionEvents events) => raise(events, state);
    }

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
            _held.Enqueue(new Held(barrier, new HeldEvent<Action<IExecutionEvents>>(then, static (e, t) => t(e))));
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
                next.Event.Raise(inner);
            }
        }
    }

    // Each event: straight through when nothing is held, else queued behind what is. The lock also keeps events raised
    // from different threads in one order for every client. The arguments travel as a state tuple and the delegates are
    // static, so the usual path (nothing held) allocates nothing; only a held event captures them.
    private void Raise<TState>(TState state, Action<IExecutionEvents, TState> raise)
    {
        lock (_lock)
        {
            if (_held.Count == 0) raise(inner, state);
            else Hold(state, raise);
        }
    }

    private void Hold<TState>(TState state, Action<IExecutionEvents, TState> raise) => _held.Enqueue(new Held(null, new HeldEvent<TState>(state, raise)));

    public void QueueChanged(int queueRemaining) => Raise(queueRemaining, static (e, s) => e.QueueChanged(s));

    public void ExecutionStart(ExecutionScope scope, long timestamp) =>
        Raise((scope, timestamp), static (e, s) => e.ExecutionStart(s.scope, s.timestamp));

    public void ExecutionCached(ExecutionScope scope, IReadOnlyList<string> nodes, long timestamp) =>
        Raise((scope, nodes, timestamp), static (e, s) => e.ExecutionCached(s.scope, s.nodes, s.timestamp));

    public void Executing(ExecutionScope scope, string nodeId, string displayNodeId) =>
        Raise((scope, nodeId, displayNodeId), static (e, s) => e.Executing(s.scope, s.nodeId, s.displayNodeId));

    public void Progress(ExecutionScope scope, NodeProgress node, double value, double max, PreviewImage? preview) =>
        Raise((scope, node, value, max, preview), static (e, s) => e.Progress(s.scope, s.node, s.value, s.max, s.preview));

    // progress_state carries the live node records; a held one must show them as they were when it was raised.
    public void ProgressState(ExecutionScope scope, IReadOnlyList<NodeProgress> nodes)
    {
        lock (_lock)
        {
            if (_held.Count == 0) inner.ProgressState(scope, nodes);
            else HoldProgressState(scope, nodes);
        }
    }

    private void HoldProgressState(ExecutionScope scope, IReadOnlyList<NodeProgress> nodes) =>
        Hold((scope, copy: NodeProgress.Snapshot(nodes)), static (e, s) => e.ProgressState(s.scope, s.copy));

    public void ProgressText(ExecutionScope scope, string nodeId, string text) =>
        Raise((scope, nodeId, text), static (e, s) => e.ProgressText(s.scope, s.nodeId, s.text));

    public void Executed(ExecutionScope scope, string nodeId, string displayNodeId, JsonObject? output) =>
        Raise((scope, nodeId, displayNodeId, output), static (e, s) => e.Executed(s.scope, s.nodeId, s.displayNodeId, s.output));

    public void ExecutionSuccess(ExecutionScope scope, long timestamp) =>
        Raise((scope, timestamp), static (e, s) => e.ExecutionSuccess(s.scope, s.timestamp));

    public void ExecutionError(ExecutionScope scope, JsonObject data, bool blocked) =>
        Raise((scope, data, blocked), static (e, s) => e.ExecutionError(s.scope, s.data, s.blocked));

    public void ExecutionInterrupted(ExecutionScope scope, JsonObject data) =>
        Raise((scope, data), static (e, s) => e.ExecutionInterrupted(s.scope, s.data));

    public void ExecutionDone(ExecutionScope scope) => Raise(scope, static (e, s) => e.ExecutionDone(s));
}
