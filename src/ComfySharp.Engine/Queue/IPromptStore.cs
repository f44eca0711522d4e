namespace ComfySharp.Engine.Queue;

/// <summary>
/// Durable queue and history (DESIGN.md "Storage and scale"). Every write is committed before its task completes:
/// an accepted prompt is never lost. History keeps completion order; a re-used prompt id keeps its old position.
/// </summary>
public interface IPromptStore : IAsyncDisposable
{
    /// <summary>Pending items, including those that were running when the process died (with their attempt count).</summary>
    ValueTask<IReadOnlyList<QueueItem>> LoadQueueAsync(CancellationToken ct);

    ValueTask AddPendingAsync(QueueItem item, CancellationToken ct);

    /// <summary>Marks the item as started and increments its attempt count.</summary>
    ValueTask MarkRunningAsync(string promptId, CancellationToken ct);

    ValueTask RemovePendingAsync(IReadOnlyCollection<string> promptIds, CancellationToken ct);

    ValueTask ClearPendingAsync(CancellationToken ct);

    /// <summary>Atomically removes the item from the queue and writes its history entry, dropping the oldest beyond <paramref name="historyCap"/>.</summary>
    /// <param name="callerWaits">
    /// True when the caller has nothing else to do until the commit: the store may run it on the caller's thread (no
    /// hand-off to another thread and back). False when the caller goes on meanwhile (the worker with prompts waiting).
    /// </param>
    ValueTask CompleteAsync(string promptId, HistoryRecord entry, int historyCap, bool callerWaits, CancellationToken ct);

    ValueTask<int> CountHistoryAsync(CancellationToken ct);

    /// <summary>History in completion order (oldest first), from <paramref name="offset"/>, at most <paramref name="limit"/> items.</summary>
    ValueTask<IReadOnlyList<HistoryRecord>> ReadHistoryAsync(int offset, int? limit, CancellationToken ct);

    ValueTask<HistoryRecord?> GetHistoryAsync(string promptId, CancellationToken ct);

    ValueTask DeleteHistoryAsync(IReadOnlyCollection<string> promptIds, CancellationToken ct);

    ValueTask ClearHistoryAsync(CancellationToken ct);
}
