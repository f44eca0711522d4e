using ComfySharp.Engine.Queue;

namespace ComfySharp.Storage.Sqlite;

internal enum StoreOpKind
{
    AddPending,
    MarkRunning,
    RemovePending,
    ClearPending,
    Complete,
    DeleteHistory,
    ClearHistory,
    /// <summary>The queue in order (<see cref="StoreOp.Items"/>).</summary>
    ReadQueue,
    /// <summary>History entries by position (<see cref="StoreOp.Offset"/>, <see cref="StoreOp.Limit"/>; <see cref="StoreOp.Records"/>).</summary>
    ReadHistory,
    /// <summary>One history entry by its row (<see cref="StoreOp.Seq"/>; <see cref="StoreOp.Records"/>).</summary>
    GetHistory,
    /// <summary>Writes nothing: hands the writer thread the turn, which then checkpoints (<see cref="SqlitePromptStore"/>).</summary>
    Checkpoint,
}

/// <summary>
/// One write or read waiting for the next group commit; <see cref="Done"/> completes after its transaction commits. Reads go
/// the same way as writes because the store's connection holds the database exclusively (no second connection can read).
/// </summary>
internal sealed class StoreOp(StoreOpKind kind)
{
    public StoreOpKind Kind { get; } = kind;
    /// <summary>
    /// Completes after the op's commit. Its waiter goes on right there, on the thread that committed (the writer thread, or a
    /// caller that ran the batch), up to the waiter's next await: handing every waiter to the thread pool cost a wake-up and a
    /// context switch per op on a busy server (throughput --count 40000 runs 2-3, alternated: 5,050-6,720 -> 6,790-7,470
    /// prompts/s, server CPU 188-260 -> 164-183 us per prompt). Waiters do little before their next await (announce, answer
    /// an HTTP request); a write they make meanwhile queues behind the running batch.
    /// </summary>
    public TaskCompletionSource Done { get; } = new();
    public QueueItem? Item { get; init; }
    /// <summary>The row's JSON: for a queue row or a history entry whose prompt is kept apart, with the stand-in at <see cref="PromptAt"/>.</summary>
    public byte[]? Json { get; init; }
    /// <summary>Where the prompt's stand-in is in <see cref="Json"/>; -1 when the JSON is whole (<see cref="PromptRows"/>).</summary>
    public int PromptAt { get; init; } = -1;
    public long PromptHash { get; init; }
    /// <summary>An added item's prompt as its prompts row stores it, when packed (<see cref="PromptRows.Pack"/>; packed by the caller, not by whoever commits).</summary>
    public byte[]? PackedPrompt { get; init; }
    public string? PromptId { get; init; }
    public IReadOnlyCollection<string>? PromptIds { get; init; }
    public HistoryRecord? Record { get; init; }
    public int Cap { get; init; }
    /// <summary>A completion's: the marker's write count when the run ended (<see cref="RunningMarker.Writes"/>).</summary>
    public long MarkerWrites { get; init; }
    /// <summary>
    /// Set by a completion whose id was queued again while it ran: the marker, which still names the id, would count an
    /// attempt against the item queued again at the next open, so it is cleared unless another run started meanwhile.
    /// </summary>
    public bool ClearsMarker { get; set; }
    public int Offset { get; init; }
    public int? Limit { get; init; }

    // Results of reads, set while the op runs and read after Done completes.
    public List<QueueItem>? Items { get; set; }
    public List<HistoryRecord>? Records { get; set; }
}
