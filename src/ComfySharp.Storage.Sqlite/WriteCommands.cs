using Microsoft.Data.Sqlite;

namespace ComfySharp.Storage.Sqlite;

/// <summary>
/// The writer connection's statements, prepared once and reused for every write. Rows are addressed by their rowid
/// (the store keeps prompt id → rowid in memory), so no table needs an index on the prompt id.
/// </summary>
internal sealed class WriteCommands : IDisposable
{
    public WriteCommands(SqliteConnection connection)
    {
        Begin = Create(connection, "BEGIN IMMEDIATE");
        Commit = Create(connection, "COMMIT");
        Rollback = Create(connection, "ROLLBACK");
        InsertPending = Create(connection,
            "INSERT INTO queue (prompt_id, number, item, attempts, running) VALUES ($id, $number, $item, $attempts, 0) RETURNING row",
            "$id", "$number", "$item", "$attempts");
        UpdatePending = Create(connection,
            "UPDATE queue SET number = $number, item = $item, attempts = $attempts, running = 0 WHERE row = $row",
            "$row", "$number", "$item", "$attempts");
        MarkRunning = Create(connection, "UPDATE queue SET running = 1, attempts = attempts + 1 WHERE row = $row", "$row");
        DeleteQueued = Create(connection, "DELETE FROM queue WHERE row = $row", "$row");
        InsertHistory = Create(connection,
            "INSERT INTO history (prompt_id, number, completed_at_ms, json) VALUES ($id, $number, $at, $json) RETURNING seq",
            "$id", "$number", "$at", "$json");
        UpdateHistory = Create(connection,
            "UPDATE history SET number = $number, completed_at_ms = $at, json = $json WHERE seq = $seq",
            "$seq", "$number", "$at", "$json");
        // One row per run and no parameter: SQLite prepares a statement with a bound LIMIT again at every run (binding it
        // expires the plan), which cost more than the delete itself.
        TrimOldestHistory = Create(connection,
            "DELETE FROM history WHERE seq = (SELECT min(seq) FROM history) RETURNING prompt_id");
        DeleteHistory = Create(connection, "DELETE FROM history WHERE seq = $seq", "$seq");
        ClearHistory = Create(connection, "DELETE FROM history");
    }

    public SqliteCommand Begin { get; }
    public SqliteCommand Commit { get; }
    public SqliteCommand Rollback { get; }
    public SqliteCommand InsertPending { get; }
    public SqliteCommand UpdatePending { get; }
    public SqliteCommand MarkRunning { get; }
    public SqliteCommand DeleteQueued { get; }
    public SqliteCommand InsertHistory { get; }
    public SqliteCommand UpdateHistory { get; }
    public SqliteCommand TrimOldestHistory { get; }
    public SqliteCommand DeleteHistory { get; }
    public SqliteCommand ClearHistory { get; }

    private static SqliteCommand Create(SqliteConnection connection, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var p in parameters) command.Parameters.Add(new SqliteParameter(p, null));
        return command;
    }

    public void Dispose()
    {
        foreach (var command in (SqliteCommand[])[Begin, Commit, Rollback, InsertPending, UpdatePending, MarkRunning, DeleteQueued,
                     InsertHistory, UpdateHistory, TrimOldestHistory, DeleteHistory, ClearHistory])
        {
            command.Dispose();
        }
    }
}
