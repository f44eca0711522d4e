using ComfySharp.Engine.Execution;

namespace ComfySharp.Engine.Queue;

/// <summary>
/// The pending prompts ordered by (number, prompt_id), the one running, and ComfyUI's priority counter (protocol.md §4).
/// Every change is committed to the store before it is visible, and then announced with <c>status</c>.
/// </summary>
public sealed class PromptQueue(IPromptStore store, IExecutionEvents events) : IDisposable
{
    private static readonly Comparer<QueueItem> Order = Comparer<QueueItem>.Create(static (a, b) =>
    {
        var c = a.Number.CompareTo(b.Number);
        return c != 0 ? c : string.CompareOrdinal(a.PromptId, b.PromptId);
    });

    private readonly Lock _lock = new();
    private readonly SortedSet<QueueItem> _pending = new(Order);
    private readonly Dictionary<string, QueueItem> _byId = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _available = new(0);
    private long _counter;
    private QueueItem? _running;
    private CancellationTokenSource? _runningCts;
    // Finished items whose history entry is being committed; they still show as running until it is.
    private readonly List<QueueItem> _completing = [];

    public IPromptStore Store { get; } = store;

    /// <summary><c>queue_remaining</c>: pending plus running (an item whose history is still being committed counts as running).</summary>
    public int Remaining
    {
        get
        {
            lock (_lock) return RemainingLocked();
        }
    }

    private int RemainingLocked() => _pending.Count + _completing.Count + (_running is null ? 0 : 1);

    /// <summary>Loads what the store kept; returns the items that had already been retried once and must not run again.</summary>
    public async ValueTask<IReadOnlyList<QueueItem>> RestoreAsync(CancellationToken ct) =>
        Restore(await Store.LoadQueueAsync(ct).ConfigureAwait(false));

    /// <summary>As <see cref="RestoreAsync"/>, with the items the store already loaded.</summary>
    public IReadOnlyList<QueueItem> Restore(IReadOnlyList<QueueItem> items)
    {
        var abandoned = new List<QueueItem>();
        lock (_lock)
        {
            foreach (var item in items)
            {
                if (item.Attempts >= 2)
                {
                    abandoned.Add(item);
                    continue;
                }
                _pending.Add(item);
                _byId[item.PromptId] = item;
                _available.Release();
                if (item.Number >= _counter && item.Number < long.MaxValue) _counter = (long)Math.Floor(item.Number) + 1;
            }
        }
        return abandoned;
    }

    /// <summary>ComfyUI's counter: advances on every POST without a number, accepted or not; <c>front</c> negates it.</summary>
    public double NextNumber(bool front)
    {
        lock (_lock)
        {
            var n = _counter++;
            return front ? -n : n;
        }
    }

    public async ValueTask EnqueueAsync(QueueItem item, CancellationToken ct)
    {
        await Store.AddPendingAsync(item, ct).ConfigureAwait(false);
        int remaining;
        lock (_lock)
        {
            if (_byId.Remove(item.PromptId, out var old)) _pending.Remove(old);
            _pending.Add(item);
            _byId[item.PromptId] = item;
            remaining = RemainingLocked();
        }
        // Announced before the worker is signalled: once signalled it may take, run and finish this prompt before this
        // thread goes on, and this status (the prompt queued) would then arrive after the one saying the queue is empty.
        events.QueueChanged(remaining);
        _available.Release();
    }

    /// <summary>Waits for the next item, marks it running (durably) and returns it with its interrupt token.</summary>
    public async ValueTask<(QueueItem Item, CancellationToken Interrupt)> TakeAsync(CancellationToken ct)
    {
        while (true)
        {
            await _available.WaitAsync(ct).ConfigureAwait(false);
            QueueItem? item;
            int remaining;
            CancellationTokenSource cts;
            lock (_lock)
            {
                if (_pending.Count == 0) continue; // deleted after it was signalled
                item = _pending.Min!;
                _pending.Remove(item);
                _byId.Remove(item.PromptId);
                _running = item;
                cts = new CancellationTokenSource();
                _runningCts = cts;
                remaining = RemainingLocked();
            }
            await Store.MarkRunningAsync(item.PromptId, ct).ConfigureAwait(false);
            events.QueueChanged(remaining);
            return (item, cts.Token);
        }
    }

    /// <summary>
    /// Moves the running item to history: it stops being the running item at once (the next one may start) and stays
    /// listed as running until its history entry is committed, when the returned task completes. Announcing that is the
    /// caller's part, so the announcement keeps its place among the events. With no prompt pending the worker has
    /// nothing to do meanwhile, so the store may commit on its thread (the returned task is then already complete and
    /// the announcement needs no hand-off either); otherwise another thread commits while the next prompt runs.
    /// </summary>
    public Task CompleteAsync(QueueItem item, HistoryRecord entry, CancellationToken ct)
    {
        bool idle;
        lock (_lock)
        {
            if (ReferenceEquals(_running, item))
            {
                _running = null;
                _runningCts?.Dispose();
                _runningCts = null;
            }
            _completing.Add(item);
            idle = _pending.Count == 0;
        }
        return CommitAsync(item, entry, idle, ct);
    }

    private async Task CommitAsync(QueueItem item, HistoryRecord entry, bool callerWaits, CancellationToken ct)
    {
        try
        {
            await Store.CompleteAsync(item.PromptId, entry, HistoryCap, callerWaits, ct).ConfigureAwait(false);
        }
        finally
        {
            lock (_lock) _completing.Remove(item);
        }
    }

    /// <summary>ComfyUI keeps at most 10,000 history entries.</summary>
    public const int HistoryCap = 10_000;

    /// <summary>The running items (those whose history is being committed first, then the one executing) and the pending ones in order.</summary>
    public (List<QueueItem> Running, List<QueueItem> Pending) Snapshot()
    {
        lock (_lock)
        {
            var running = new List<QueueItem>(_completing);
            if (_running is not null) running.Add(_running);
            return (running, new List<QueueItem>(_pending));
        }
    }

    public QueueItem? Running
    {
        get
        {
            lock (_lock) return _running;
        }
    }

    public bool TryGetPending(string promptId, out QueueItem item)
    {
        lock (_lock) return _byId.TryGetValue(promptId, out item!);
    }

    /// <summary>Removes pending items; unknown ids and the running item are ignored. Returns how many were removed.</summary>
    public async ValueTask<int> DeleteAsync(IReadOnlyCollection<string> promptIds, CancellationToken ct)
    {
        var removed = new List<string>();
        lock (_lock)
        {
            foreach (var id in promptIds)
            {
                if (_byId.Remove(id, out var item))
                {
                    _pending.Remove(item);
                    removed.Add(id);
                }
            }
        }
        if (removed.Count == 0) return 0;
        await Store.RemovePendingAsync(removed, ct).ConfigureAwait(false);
        events.QueueChanged(Remaining);
        return removed.Count;
    }

    public async ValueTask ClearAsync(CancellationToken ct)
    {
        lock (_lock)
        {
            _pending.Clear();
            _byId.Clear();
        }
        await Store.ClearPendingAsync(ct).ConfigureAwait(false);
        events.QueueChanged(Remaining);
    }

    public void Dispose()
    {
        _available.Dispose();
        _runningCts?.Dispose();
    }

    /// <summary>Interrupts the running prompt (only if it is <paramref name="promptId"/> when one is given). Idle interrupts are lost, as in ComfyUI.</summary>
    public bool Interrupt(string? promptId)
    {
        lock (_lock)
        {
            if (_running is null || _runningCts is null) return false;
            if (promptId is not null && _running.PromptId != promptId) return false;
            _runningCts.Cancel();
            return true;
        }
    }
}
