using ComfySharp.Engine.Queue;

namespace ComfySharp.Storage.Sqlite;

internal enum WriteKind
{
    AddPending,
    MarkRunning,
    RemovePending,
    ClearPending,
    Complete,
    DeleteHistory,
    ClearHistory,
    /// <summary>Writes nothing: completes once every write queued before it has committed.</summary>
    Barrier,
}

/// <summary>One write waiting for the next group commit; <see cref="Done"/> completes after its transaction commits.</summary>
internal sealed class WriteOp(WriteKind kind)
{
    public WriteKind Kind { get; } = kind;
    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public QueueItem? Item { get; init; }
    public string? Json { get; init; }
    public string? PromptId { get; init; }
    public IReadOnlyCollection<string>? PromptIds { get; init; }
    public HistoryRecord? Record { get; init; }
    public int Cap { get; init; }
}
