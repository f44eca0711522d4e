using Microsoft.Data.Sqlite;

namespace ComfySharp.Storage.Sqlite;

/// <summary>
/// Copies the WAL back into the database file on a thread of its own, so that the writer's commits never wait for a
/// checkpoint and its fsyncs (SQLite would run one inside whichever commit crosses <c>wal_autocheckpoint</c>). The writer
/// reports roughly how much it wrote; past <see cref="BytesPerCheckpoint"/> a passive checkpoint runs, which copies what no
/// reader still needs and never blocks the writer. SQLite restarts the WAL from its beginning at a later commit once all
/// of it was copied, so the file stays small.
/// </summary>
internal sealed class WalCheckpointer : IDisposable
{
    /// <summary>About SQLite's default of 1,000 pages of 4 KiB.</summary>
    public const long BytesPerCheckpoint = 4 << 20;

    private readonly SqliteConnection _connection;
    private readonly object _gate = new();
    private readonly Thread _thread;
    private long _written;
    private bool _due;
    private bool _stopping;

    public WalCheckpointer(string connectionString)
    {
        _connection = new SqliteConnection(connectionString);
        _connection.Open();
        _thread = new Thread(Run) { IsBackground = true, Name = "SQLite checkpoints" };
        _thread.Start();
    }

    /// <summary>Called by the writer after a commit, with an estimate of the bytes it added to the WAL.</summary>
    public void Committed(long bytes)
    {
        _written += bytes;
        if (_written < BytesPerCheckpoint) return;
        _written = 0;
        lock (_gate)
        {
            _due = true;
            Monitor.Pulse(_gate);
        }
    }

    private void Run()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        while (true)
        {
            lock (_gate)
            {
                while (!_due && !_stopping) Monitor.Wait(_gate);
                if (_stopping) return;
                _due = false;
            }
            try
            {
                command.ExecuteNonQuery();
            }
            catch (SqliteException)
            {
                // Busy or failed: the WAL just grows until the next try, and the last connection to close checkpoints it.
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stopping = true;
            Monitor.Pulse(_gate);
        }
        _thread.Join();
        _connection.Dispose();
    }
}
