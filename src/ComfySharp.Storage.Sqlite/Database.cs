using SQLitePCL;

namespace ComfySharp.Storage.Sqlite;

/// <summary>
/// The store's one SQLite connection, opened through SQLite's own API. The ADO.NET layer cost the idle server about 3 MB of
/// resident memory (its connection-string parser alone loads the regular-expression engine) for a handful of statements
/// the store now prepares itself (<see cref="Statement"/>).
/// </summary>
/// <remarks>Opened without SQLite's per-connection mutex: only whoever holds the store's turn (<see cref="WriteQueue"/>) uses it.</remarks>
internal sealed class Database : IDisposable
{
    private static readonly Lock InitLock = new();
    private static bool s_initialized;

    private Database(sqlite3 handle) => Handle = handle;

    public sqlite3 Handle { get; }

    /// <param name="busyTimeoutMs">How long a statement waits for a file another process holds before it fails with "busy".</param>
    public static Database Open(string path, int busyTimeoutMs)
    {
        lock (InitLock)
        {
            if (!s_initialized) Batteries_V2.Init();
            s_initialized = true;
        }
        var rc = raw.sqlite3_open_v2(path, out var handle, raw.SQLITE_OPEN_READWRITE | raw.SQLITE_OPEN_CREATE | raw.SQLITE_OPEN_NOMUTEX, null);
        var database = new Database(handle);
        try
        {
            if (rc != raw.SQLITE_OK) throw database.Error(rc);
            raw.sqlite3_busy_timeout(handle, busyTimeoutMs);
            return database;
        }
        catch
        {
            database.Dispose();
            throw;
        }
    }

    /// <summary>Runs one or more statements that return nothing the caller needs.</summary>
    public void Execute(string sql)
    {
        var rc = raw.sqlite3_exec(Handle, sql, out var message);
        if (rc != raw.SQLITE_OK) throw new SqliteStoreException($"SQLite error {rc}: {message ?? raw.sqlite3_errstr(rc).utf8_to_string()}", rc);
    }

    /// <summary>
    /// Pages this connection has written so far (<c>SQLITE_DBSTATUS_CACHE_WRITE</c>); in WAL mode, the frames its commits
    /// appended to the WAL. A 32-bit count: compare two readings by their unchecked difference.
    /// </summary>
    public int PagesWritten()
    {
        raw.sqlite3_db_status(Handle, raw.SQLITE_DBSTATUS_CACHE_WRITE, out var current, out _, 0);
        return current;
    }

    /// <summary>Copies what the WAL holds into the database file (a passive checkpoint, which the one connection always completes).</summary>
    /// <exception cref="SqliteStoreException">SQLite could not.</exception>
    public void Checkpoint()
    {
        var rc = raw.sqlite3_wal_checkpoint_v2(Handle, null, raw.SQLITE_CHECKPOINT_PASSIVE, out _, out _);
        if (rc != raw.SQLITE_OK) throw Error(rc);
    }

    /// <summary>The error of a call that returned <paramref name="rc"/>, with SQLite's message for it.</summary>
    public SqliteStoreException Error(int rc)
    {
        var message = Handle is null || Handle.IsInvalid ? raw.sqlite3_errstr(rc).utf8_to_string() : raw.sqlite3_errmsg(Handle).utf8_to_string();
        return new SqliteStoreException($"SQLite error {rc}: {message}", rc);
    }

    public void Dispose() => Handle?.Dispose();
}
