using System.Collections.Concurrent;
using ComfySharp.Engine.Queue;
using Microsoft.Data.Sqlite;

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
public sealed partial class SqlitePromptStore : IPromptStore
{
    private const int SchemaVersion = 2;

    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly WriteQueue _writes = new();
    private readonly TaskCompletionSource _writerEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly WriteCommands _commands;
    private readonly RunningMarker _marker;

    // Written only by whoever runs the current batch (one at a time, WriteQueue's turn), and by the constructor.
    private readonly Dictionary<string, QueueRow> _queueRows = new(StringComparer.Ordinal);
    // Attempts that only the running marker holds (MarkRunningAsync writes no row): added when a prompt starts, dropped
    // when it completes. An id here is running, so delete and clear leave it. After a crash the marker alone counts it.
    private readonly ConcurrentDictionary<string, int> _markedAttempts = new(StringComparer.Ordinal);
    // Written by the batches; read by history lookups on any thread.
    private readonly ConcurrentDictionary<string, long> _historyRows = new(StringComparer.Ordinal);
    private int _historyCount;

    private SqlitePromptStore(string connectionString, SqliteConnection writer, RunningMarker marker)
    {
        _connectionString = connectionString;
        _marker = marker;
        _writer = writer;
        LoadRowMaps(writer);
        _commands = new WriteCommands(writer);
        new Thread(WriterLoop) { IsBackground = true, Name = "SQLite writer" }.Start();
    }

    public string Path { get; private init; } = "";

    public static async ValueTask<SqlitePromptStore> OpenAsync(string path, CancellationToken ct)
    {
        var full = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        var connectionString = new SqliteConnectionStringBuilder { DataSource = full, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true }.ToString();
        var writer = new SqliteConnection(connectionString);
        try
        {
            await writer.OpenAsync(ct);
            await ExecuteAsync(writer, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; PRAGMA foreign_keys=OFF;", ct);
            await StoreSchema.MigrateAsync(writer, SchemaVersion, ct);
            // Nothing runs before the store opens: an item marked running was interrupted by a crash and is pending again
            // (its attempt count stays, which is how a second crash is recognised). The marker names the item that was
            // running; if its attempt had not been committed yet (still not marked running), it is counted now.
            var marker = RunningMarker.Open(full + "-running");
            if (marker.Read() is { } wasRunning)
            {
                await using var counting = writer.CreateCommand();
                counting.CommandText = "UPDATE queue SET attempts = attempts + 1 WHERE prompt_id = $id AND running = 0";
                counting.Parameters.AddWithValue("$id", wasRunning);
                await counting.ExecuteNonQueryAsync(ct);
            }
            await ExecuteAsync(writer, "UPDATE queue SET running = 0 WHERE running = 1", ct);
            marker.Clear();
            return new SqlitePromptStore(connectionString, writer, marker) { Path = full };
        }
        catch
        {
            // Not back into the pool: a refused file must be opened afresh next time.
            SqliteConnection.ClearPool(writer);
            await writer.DisposeAsync();
            throw;
        }
    }

    /// <summary>Reads prompt id → rowid for both tables from what is committed.</summary>
    private void LoadRowMaps(SqliteConnection connection)
    {
        _queueRows.Clear();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT prompt_id, row, running FROM queue";
            using var reader = command.ExecuteReader();
            while (reader.Read()) _queueRows[reader.GetString(0)] = new QueueRow(reader.GetInt64(1), reader.GetInt64(2) != 0);
        }
        var history = new Dictionary<string, long>(StringComparer.Ordinal);
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT prompt_id, seq FROM history";
            using var reader = command.ExecuteReader();
            while (reader.Read()) history[reader.GetString(0)] = reader.GetInt64(1);
        }
        foreach (var id in _historyRows.Keys)
        {
            if (!history.ContainsKey(id)) _historyRows.TryRemove(id, out _);
        }
        foreach (var (id, seq) in history) _historyRows[id] = seq;
        _historyCount = history.Count;
    }

    public async ValueTask<IReadOnlyList<QueueItem>> LoadQueueAsync(CancellationToken ct)
    {
        // Attempts are committed behind the marker; let the writer catch up first.
        await Enqueue(new WriteOp(WriteKind.Barrier));
        await using var connection = await OpenReaderAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT item, attempts FROM queue ORDER BY number, prompt_id";
        var items = new List<QueueItem>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var item = QueueItemJson.Read(reader.GetString(0), reader.GetInt32(1));
            items.Add(_markedAttempts.TryGetValue(item.PromptId, out var marked) ? item with { Attempts = item.Attempts + marked } : item);
        }
        return items;
    }

    public ValueTask AddPendingAsync(QueueItem item, CancellationToken ct) =>
        Enqueue(new WriteOp(WriteKind.AddPending) { Item = item, Json = QueueItemJson.Write(item) });

    /// <summary>
    /// Durable when it returns: the marker file names the prompt (one write), and the next open counts the attempt if the
    /// process died while it ran. No row is written; only when the id does not fit the marker is the attempt committed.
    /// </summary>
    public ValueTask MarkRunningAsync(string promptId, CancellationToken ct)
    {
        if (!_marker.TryWrite(promptId)) return Enqueue(new WriteOp(WriteKind.MarkRunning) { PromptId = promptId });
        _markedAttempts.AddOrUpdate(promptId, 1, static (_, n) => n + 1);
        return ValueTask.CompletedTask;
    }

    public ValueTask RemovePendingAsync(IReadOnlyCollection<string> promptIds, CancellationToken ct) =>
        Enqueue(new WriteOp(WriteKind.RemovePending) { PromptIds = promptIds });

    public ValueTask ClearPendingAsync(CancellationToken ct) => Enqueue(new WriteOp(WriteKind.ClearPending));

    public ValueTask CompleteAsync(string promptId, HistoryRecord entry, int historyCap, bool callerWaits, CancellationToken ct) =>
        Enqueue(new WriteOp(WriteKind.Complete) { PromptId = promptId, Record = entry, Cap = historyCap }, mayRunHere: callerWaits);

    public ValueTask<int> CountHistoryAsync(CancellationToken ct) => ValueTask.FromResult(Volatile.Read(ref _historyCount));

    public async ValueTask<IReadOnlyList<HistoryRecord>> ReadHistoryAsync(int offset, int? limit, CancellationToken ct)
    {
        await using var connection = await OpenReaderAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT prompt_id, number, completed_at_ms, json FROM history ORDER BY seq LIMIT $limit OFFSET $offset";
        command.Parameters.AddWithValue("$limit", limit ?? -1);
        command.Parameters.AddWithValue("$offset", Math.Max(0, offset));
        var records = new List<HistoryRecord>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) records.Add(ReadRecord(reader));
        return records;
    }

    public async ValueTask<HistoryRecord?> GetHistoryAsync(string promptId, CancellationToken ct)
    {
        // The map may name a row a running batch adds or removes; the read sees what is committed either way.
        if (!_historyRows.TryGetValue(promptId, out var seq)) return null;
        await using var connection = await OpenReaderAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT prompt_id, number, completed_at_ms, json FROM history WHERE seq = $seq";
        command.Parameters.AddWithValue("$seq", seq);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadRecord(reader) : null;
    }

    public ValueTask DeleteHistoryAsync(IReadOnlyCollection<string> promptIds, CancellationToken ct) =>
        Enqueue(new WriteOp(WriteKind.DeleteHistory) { PromptIds = promptIds });

    public ValueTask ClearHistoryAsync(CancellationToken ct) => Enqueue(new WriteOp(WriteKind.ClearHistory));

    public async ValueTask DisposeAsync()
    {
        _writes.Complete();
        await _writerEnded.Task.ConfigureAwait(false);
        _commands.Dispose();
        await _writer.DisposeAsync();
        _marker.Dispose();
        SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
    }

    private static HistoryRecord ReadRecord(SqliteDataReader reader) =>
        new(reader.GetString(0), reader.GetDouble(1), reader.GetInt64(2), reader.GetString(3));

    private async Task<SqliteConnection> OpenReaderAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        return connection;
    }

    /// <param name="mayRunHere">
    /// False for the worker's history entries while prompts wait: the worker goes on with the next prompt instead of
    /// waiting for the commit.
    /// </param>
    private ValueTask Enqueue(WriteOp op, bool mayRunHere = true)
    {
        if (_writes.Add(op, mayRunHere) is { } batch) RunHere(batch);
        return new ValueTask(op.Done.Task);
    }

    internal static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(ct);
    }
}
