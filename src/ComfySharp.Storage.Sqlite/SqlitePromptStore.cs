using System.Collections.Concurrent;
using ComfySharp.Engine.Queue;

namespace ComfySharp.Storage.Sqlite;

/// <summary>
/// Queue and history in one SQLite file (WAL). Writes are committed one batch at a time, whatever is waiting in a single
/// transaction (group commit), then every waiting caller is completed: many concurrent POSTs share a commit. A batch runs
/// on the caller's thread when nobody is committing, else on the writer thread (<see cref="WriteQueue"/>).
/// <c>synchronous=NORMAL</c> in WAL mode makes a commit survive the process being killed (the OS holds the pages);
/// only a power loss can undo the last commits, which is the trade-off ComfyUI's users already live with (no persistence).
/// Which prompt is running is also written, before it starts, to a small marker file beside the database (one write, no
/// commit to wait for): after a crash the marker says which prompt was running even if its attempt never reached a commit.
/// The tables are keyed by rowid only; the prompt id → rowid maps live in memory (loaded at open, kept by the batches),
/// so a write touches one B-tree per table instead of also a text index.
/// </summary>
/// <remarks>
/// The one connection holds the file exclusively (<c>locking_mode=EXCLUSIVE</c>, set before WAL is first used): SQLite then
/// keeps the WAL index in its own memory instead of a shared-memory file and takes no file lock per transaction, which were
/// six <c>fcntl</c> calls a commit. Reads therefore go through the same queue as writes, in order with them. Another
/// process cannot open the database while the server runs (a second server on the same file is refused instead of racing).
/// </remarks>
public sealed partial class SqlitePromptStore : IPromptStore
{
    private const int SchemaVersion = 4;
    // WAL pages after which the writer thread checkpoints (8 MB of 2 KB pages).
    private const int CheckpointPages = 4000;

    private readonly Database _database;
    private readonly WriteQueue _writes = new();
    private readonly TaskCompletionSource _writerEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Statements _statements;
    private readonly RunningMarker _marker;

    // Written only by whoever runs the current batch (one at a time, WriteQueue's turn), and by the constructor.
    private readonly Dictionary<string, QueueRow> _queueRows = new(StringComparer.Ordinal);
    // A running item's row when the same id was queued again meanwhile (then _queueRows holds the new item's row).
    private readonly Dictionary<string, QueueRow> _runningRows = new(StringComparer.Ordinal);
    // Attempts that only the running marker holds (MarkRunningAsync writes no row): one added when a run starts, taken off
    // when it completes. An id here is running, so delete and clear leave it. After a crash the marker alone counts it.
    private readonly ConcurrentDictionary<string, int> _markedAttempts = new(StringComparer.Ordinal);
    private readonly HistoryIndex _history = new();
    // Whoever holds the turn: the page count at the last checkpoint, and whether one is waiting for the writer thread.
    private int _pagesAtCheckpoint;
    private bool _checkpointWaiting;

    private SqlitePromptStore(Database database, Statements statements, RunningMarker marker)
    {
        _marker = marker;
        _database = database;
        _statements = statements;
        LoadRowMaps();
        new Thread(WriterLoop) { IsBackground = true, Name = "SQLite writer" }.Start();
    }

    public string Path { get; private init; } = "";

    /// <summary>Opens (or creates) the database, with ComfyUI's history cap (<see cref="PromptQueue.HistoryCap"/>).</summary>
    /// <exception cref="IOException">
    /// Another process holds the database (another server on the same base directory), or SQLite cannot use the file
    /// (<see cref="SqliteStoreException"/>).
    /// </exception>
    public static ValueTask<SqlitePromptStore> OpenAsync(string path, CancellationToken ct) => OpenAsync(path, PromptQueue.HistoryCap, ct);

    /// <param name="path">The database file.</param>
    /// <param name="historyCap">How many history entries reads show until a write gives another cap.</param>
    /// <param name="ct">Cancels the opening.</param>
    public static ValueTask<SqlitePromptStore> OpenAsync(string path, int historyCap, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var full = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        // A file another process holds is reported after a short wait.
        var database = Database.Open(full, busyTimeoutMs: 2000);
        Statements? statements = null;
        RunningMarker? marker = null;
        try
        {
            // A new file gets 2 KB pages (an existing one keeps its own): a commit writes every page it touched to the WAL, and
            // a prompt's rows (~0.5 and ~1.2 KB) dirty the same number of pages either way, so each write is half as large.
            // Checkpoints every 4,000 pages (8 MB) instead of 1,000: the newest leaves are rewritten by every commit, and a
            // checkpoint copies each page once however often it was rewritten since the last one. The store runs them itself
            // (CheckpointIfDue), on the writer thread after the batch's callers went on; SQLite's own, which runs inside the
            // commit that crosses the mark and so delays whoever waits for it, is left only as a backstop at 16,000.
            // A small page cache: the pages every commit touches (the newest leaves and the tree above them) stay in it, and
            // the oldest history rows are read once, when they are trimmed. SQLite's default (2 MB) was resident for nothing.
            // Store cost of one prompt, both commits on the caller's thread: 76-79 -> 46-50 us (median); in batches of four
            // prompts 57 -> 36 us per prompt.
            database.Execute("PRAGMA page_size=2048; PRAGMA locking_mode=EXCLUSIVE; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; " +
                "PRAGMA foreign_keys=OFF; PRAGMA cache_size=-512; PRAGMA wal_autocheckpoint=16000;");
            StoreSchema.Migrate(database, SchemaVersion);
            // Nothing runs before the store opens: an item marked running was interrupted by a crash and is pending again
            // (its attempt count stays, which is how a second crash is recognised). The marker names the item that was
            // running; if its attempt had not been committed yet (still not marked running), it is counted now.
            // An id with two rows was queued again while it ran; the newer item replaces the interrupted one, as a pending
            // item is replaced by the same id queued again.
            marker = RunningMarker.Open(full + "-running");
            database.Execute("BEGIN IMMEDIATE");
            if (marker.Read() is { } wasRunning)
            {
                using var counting = new Statement(database,
                    "UPDATE queue SET attempts = attempts + 1 WHERE row = (SELECT min(row) FROM queue WHERE prompt_id = ?1) AND running = 0");
                counting.Bind(1, wasRunning).Run();
            }
            database.Execute("""
                DELETE FROM prompts WHERE row IN (SELECT prompt FROM queue WHERE row NOT IN (SELECT max(row) FROM queue GROUP BY prompt_id));
                DELETE FROM queue WHERE row NOT IN (SELECT max(row) FROM queue GROUP BY prompt_id);
                UPDATE queue SET running = 0 WHERE running = 1;
                COMMIT;
                """);
            marker.Clear();
            statements = new Statements(database);
            var store = new SqlitePromptStore(database, statements, marker) { Path = full };
            store._history.Cap = historyCap;
            return ValueTask.FromResult(store);
        }
        catch (Exception ex)
        {
            statements?.Dispose();
            marker?.Dispose();
            database.Dispose();
            if (ex is SqliteStoreException { ErrorCode: 5 or 6 }) // SQLITE_BUSY, SQLITE_LOCKED
            {
                throw new IOException($"The database {full} is in use by another process (another ComfySharp server with the same " +
                    "base directory or --database?). Stop it or give this server a database of its own.", ex);
            }
            throw;
        }
    }

    /// <summary>Reads prompt id → rowid for both tables from the file.</summary>
    private void LoadRowMaps()
    {
        var s = _statements;
        _queueRows.Clear();
        _runningRows.Clear();
        try
        {
            // In row order: of two rows with one id (queued again while it ran), the older is the running one.
            var read = s.QueueRows;
            while (read.Step())
            {
                var id = read.Text(0);
                var row = new QueueRow(read.Int64(1), read.Int64(2) != 0, read.IsNull(3) ? null : read.Int64(3), read.Int64(4));
                if (_queueRows.Remove(id, out var older)) _runningRows[id] = older;
                _queueRows[id] = row;
            }
        }
        finally
        {
            s.QueueRows.Reset();
        }
        var history = new Dictionary<string, long>(StringComparer.Ordinal);
        try
        {
            while (s.HistoryRows.Step()) history[s.HistoryRows.Text(0)] = s.HistoryRows.Int64(1);
        }
        finally
        {
            s.HistoryRows.Reset();
        }
        _history.Load(history);
    }

    public async ValueTask<IReadOnlyList<QueueItem>> LoadQueueAsync(CancellationToken ct)
    {
        var op = new StoreOp(StoreOpKind.ReadQueue);
        await Enqueue(op);
        return op.Items!;
    }

    public ValueTask AddPendingAsync(QueueItem item, CancellationToken ct)
    {
        var apart = item.PromptUtf8.Length >= PromptRows.KeptApartFrom;
        var (json, promptAt) = QueueItemJson.Write(item, apart);
        return Enqueue(new StoreOp(StoreOpKind.AddPending)
        {
            Item = item,
            Json = json,
            PromptAt = promptAt,
            PromptHash = apart ? PromptRows.Hash(item.PromptUtf8) : 0,
            PackedPrompt = apart ? PromptRows.Pack(item.PromptUtf8) : null,
        });
    }

    /// <summary>
    /// Durable when it returns: the marker file names the prompt (one write), and the next open counts the attempt if the
    /// process died while it ran. No row is written; only when the id does not fit the marker is the attempt committed.
    /// </summary>
    public ValueTask MarkRunningAsync(string promptId, CancellationToken ct)
    {
        if (!_marker.TryWrite(promptId)) return Enqueue(new StoreOp(StoreOpKind.MarkRunning) { PromptId = promptId });
        _markedAttempts.AddOrUpdate(promptId, 1, static (_, n) => n + 1);
        return ValueTask.CompletedTask;
    }

    public ValueTask RemovePendingAsync(IReadOnlyCollection<string> promptIds, CancellationToken ct) =>
        Enqueue(new StoreOp(StoreOpKind.RemovePending) { PromptIds = promptIds });

    public ValueTask ClearPendingAsync(CancellationToken ct) => Enqueue(new StoreOp(StoreOpKind.ClearPending));

    public ValueTask CompleteAsync(string promptId, HistoryRecord entry, int historyCap, bool callerWaits, CancellationToken ct)
    {
        // The entry without its prompt, whose bytes its queue row already stored (PromptRows); a small one whole.
        var apart = entry.StandInJson is not null && entry.Prompt.Length >= PromptRows.KeptApartFrom;
        var op = new StoreOp(StoreOpKind.Complete)
        {
            PromptId = promptId,
            Record = entry,
            Cap = historyCap,
            MarkerWrites = _marker.Writes,
            Json = apart ? entry.StandInJson : entry.Utf8Json,
            PromptAt = apart ? entry.PromptAt : -1,
            PromptHash = apart ? PromptRows.Hash(entry.Prompt.Span) : 0,
        };
        return Enqueue(op, mayRunHere: callerWaits);
    }

    public ValueTask<int> CountHistoryAsync(CancellationToken ct) => ValueTask.FromResult(_history.VisibleCount);

    public async ValueTask<IReadOnlyList<HistoryRecord>> ReadHistoryAsync(int offset, int? limit, CancellationToken ct)
    {
        var op = new StoreOp(StoreOpKind.ReadHistory) { Offset = Math.Max(0, offset), Limit = limit };
        await Enqueue(op);
        return op.Records!;
    }

    public async ValueTask<HistoryRecord?> GetHistoryAsync(string promptId, CancellationToken ct)
    {
        // Unknown ids need no turn; a known one is looked up again when the read runs (it may have been replaced or hidden).
        if (!_history.TryGetRow(promptId, out _)) return null;
        var op = new StoreOp(StoreOpKind.GetHistory) { PromptId = promptId };
        await Enqueue(op);
        return op.Records is [var record] ? record : null;
    }

    public ValueTask DeleteHistoryAsync(IReadOnlyCollection<string> promptIds, CancellationToken ct) =>
        Enqueue(new StoreOp(StoreOpKind.DeleteHistory) { PromptIds = promptIds });

    public ValueTask ClearHistoryAsync(CancellationToken ct) => Enqueue(new StoreOp(StoreOpKind.ClearHistory));

    public async ValueTask DisposeAsync()
    {
        _writes.Complete();
        await _writerEnded.Task.ConfigureAwait(false);
        _statements.Dispose();
        _database.Dispose();
        _marker.Dispose();
    }

    /// <param name="mayRunHere">
    /// False for the worker's history entries while prompts wait: the worker goes on with the next prompt instead of
    /// waiting for the commit.
    /// </param>
    private ValueTask Enqueue(StoreOp op, bool mayRunHere = true)
    {
        if (_writes.Add(op, mayRunHere) is { } batch) RunHere(batch);
        return new ValueTask(op.Done.Task);
    }
}
