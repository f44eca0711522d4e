using Microsoft.Data.Sqlite;

namespace ComfySharp.Storage.Sqlite;

/// <summary>The writer connection's statements, prepared once and reused for every write.</summary>
internal sealed class WriteCommands : IDisposable
{
    public WriteCommands(SqliteConnection connection)
    {
        Begin = Create(connection, "BEGIN IMMEDIATE");
        Commit = Create(connection, "COMMIT");
        Rollback = Create(connection, "ROLLBACK");
        AddPending = Create(connection,
            "INSERT INTO queue (prompt_id, number, item, attempts, running) VALUES ($id, $number, $item, $attempts, 0) " +
            "ON CONFLICT(prompt_id) DO UPDATE SET number = excluded.number, item = excluded.item, attempts = excluded.attempts, running = 0",
            "$id", "$number", "$item", "$attempts");
        MarkRunning = Create(connection, "UPDATE queue SET running = 1, attempts = attempts + 1 WHERE prompt_id = $id", "$id");
        RemovePending = Create(connection, "DELETE FROM queue WHERE prompt_id = $id AND running = 0", "$id");
        ClearPending = Create(connection, "DELETE FROM queue WHERE running = 0");
        RemoveQueued = Create(connection, "DELETE FROM queue WHERE prompt_id = $id", "$id");
        UpsertHistory = Create(connection,
            "INSERT INTO history (prompt_id, number, completed_at_ms, json) VALUES ($id, $number, $at, $json) " +
            "ON CONFLICT(prompt_id) DO UPDATE SET number = excluded.number, completed_at_ms = excluded.completed_at_ms, json = excluded.json " +
            "RETURNING seq",
            "$id", "$number", "$at", "$json");
        TrimHistory = Create(connection, "DELETE FROM history WHERE seq IN (SELECT seq FROM history ORDER BY seq LIMIT $n)", "$n");
        DeleteHistory = Create(connection, "DELETE FROM history WHERE prompt_id = $id", "$id");
        ClearHistory = Create(connection, "DELETE FROM history");
    }

    public SqliteCommand Begin { get; }
    public SqliteCommand Commit { get; }
    public SqliteCommand Rollback { get; }
    public SqliteCommand AddPending { get; }
    public SqliteCommand MarkRunning { get; }
    public SqliteCommand RemovePending { get; }
    public SqliteCommand ClearPending { get; }
    public SqliteCommand RemoveQueued { get; }
    public SqliteCommand UpsertHistory { get; }
    public SqliteCommand TrimHistory { get; }
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
        foreach (var command in (SqliteCommand[])[Begin, Commit, Rollback, AddPending, MarkRunning, RemovePending, ClearPending, RemoveQueued,
                     UpsertHistory, TrimHistory, DeleteHistory, ClearHistory])
        {
            command.Dispose();
        }
    }
}
