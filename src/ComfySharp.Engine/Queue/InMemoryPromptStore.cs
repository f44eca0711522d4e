namespace ComfySharp.Engine.Queue;

/// <summary>Queue and history in memory only (<c>--ephemeral</c> and tests). Thread-safe; nothing survives the process.</summary>
public sealed class InMemoryPromptStore : IPromptStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, QueueItem> _queue = new(StringComparer.Ordinal);
    // A running item whose id was queued again meanwhile (then _queue holds the new item): its completion removes this one.
    private readonly Dictionary<string, QueueItem> _running = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _historyIndex = new(StringComparer.Ordinal);
    private readonly SortedDictionary<long, HistoryRecord> _history = [];
    private long _nextSequence;

    public ValueTask<IReadOnlyList<QueueItem>> LoadQueueAsync(CancellationToken ct)
    {
        lock (_lock)
        {
            var items = new List<QueueItem>(_queue.Values);
            items.AddRange(_running.Values);
            items.Sort(static (a, b) => a.Number != b.Number ? a.Number.CompareTo(b.Number) : string.CompareOrdinal(a.PromptId, b.PromptId));
            return ValueTask.FromResult<IReadOnlyList<QueueItem>>(items);
        }
    }

    public ValueTask AddPendingAsync(QueueItem item, CancellationToken ct)
    {
        lock (_lock)
        {
            // Marked running (attempted at least once) and not set apart yet: the one running.
            if (_queue.TryGetValue(item.PromptId, out var existing) && existing.Attempts > 0 && !_running.ContainsKey(item.PromptId))
            {
                _running[item.PromptId] = existing;
            }
            _queue[item.PromptId] = item;
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask MarkRunningAsync(string promptId, CancellationToken ct)
    {
        lock (_lock)
        {
            if (_queue.TryGetValue(promptId, out var item)) _queue[promptId] = item with { Attempts = item.Attempts + 1 };
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask RemovePendingAsync(IReadOnlyCollection<string> promptIds, CancellationToken ct)
    {
        lock (_lock)
        {
            foreach (var id in promptIds)
            {
                // Only pending items go; a running one (started at least once) stays until it completes.
                if (_queue.TryGetValue(id, out var item) && item.Attempts == 0) _queue.Remove(id);
            }
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask ClearPendingAsync(CancellationToken ct)
    {
        lock (_lock)
        {
            // Only pending items go; one marked running stays until it completes.
            List<string>? pending = null;
            foreach (var (id, item) in _queue)
            {
                if (item.Attempts == 0) (pending ??= []).Add(id);
            }
            if (pending is not null)
            {
                foreach (var id in pending) _queue.Remove(id);
            }
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask CompleteAsync(string promptId, HistoryRecord entry, int historyCap, bool callerWaits, CancellationToken ct)
    {
        // Kept whole: the prompt's parts would stay beside the joined text once the entry is read.
        if (entry.StandInJson is not null) entry = new HistoryRecord(entry.PromptId, entry.Number, entry.CompletedAtMs, entry.Utf8Json);
        lock (_lock)
        {
            if (!_running.Remove(promptId)) _queue.Remove(promptId);
            if (_historyIndex.TryGetValue(promptId, out var sequence))
            {
                _history[sequence] = entry;
            }
            else
            {
                sequence = _nextSequence++;
                _historyIndex[promptId] = sequence;
                _history[sequence] = entry;
            }
            while (_history.Count > historyCap)
            {
                using var first = _history.GetEnumerator();
                first.MoveNext();
                _history.Remove(first.Current.Key);
                _historyIndex.Remove(first.Current.Value.PromptId);
            }
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<int> CountHistoryAsync(CancellationToken ct)
    {
        lock (_lock) return ValueTask.FromResult(_history.Count);
    }

    public ValueTask<IReadOnlyList<HistoryRecord>> ReadHistoryAsync(int offset, int? limit, CancellationToken ct)
    {
        lock (_lock)
        {
            var result = new List<HistoryRecord>();
            var index = 0;
            foreach (var record in _history.Values)
            {
                if (index++ < offset) continue;
                if (limit is { } l && result.Count >= l) break;
                result.Add(record);
            }
            return ValueTask.FromResult<IReadOnlyList<HistoryRecord>>(result);
        }
    }

    public ValueTask<HistoryRecord?> GetHistoryAsync(string promptId, CancellationToken ct)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_historyIndex.TryGetValue(promptId, out var sequence) ? _history[sequence] : null);
        }
    }

    public ValueTask DeleteHistoryAsync(IReadOnlyCollection<string> promptIds, CancellationToken ct)
    {
        lock (_lock)
        {
            foreach (var id in promptIds)
            {
                if (_historyIndex.Remove(id, out var sequence)) _history.Remove(sequence);
            }
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask ClearHistoryAsync(CancellationToken ct)
    {
        lock (_lock)
        {
            _history.Clear();
            _historyIndex.Clear();
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
