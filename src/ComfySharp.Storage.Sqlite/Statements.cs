namespace ComfySharp.Storage.Sqlite;

/// <summary>
/// The store's statements, prepared once on its connection. Rows are addressed by their rowid (the store keeps prompt id →
/// rowid in memory), so no table needs an index on the prompt id. Parameters are numbered in the order of the SQL text.
/// </summary>
internal sealed class Statements : IDisposable
{
    public Statements(Database db)
    {
        Begin = new(db, "BEGIN IMMEDIATE");
        Commit = new(db, "COMMIT");
        Rollback = new(db, "ROLLBACK");
        InsertPending = new(db, "INSERT INTO queue (prompt_id, number, item, attempts, running) VALUES (?1, ?2, ?3, ?4, 0) RETURNING row");
        UpdatePending = new(db, "UPDATE queue SET number = ?2, item = ?3, attempts = ?4, running = 0 WHERE row = ?1");
        MarkRunning = new(db, "UPDATE queue SET running = 1, attempts = attempts + 1 WHERE row = ?1");
        DeleteQueued = new(db, "DELETE FROM queue WHERE row = ?1");
        InsertHistory = new(db, "INSERT INTO history (prompt_id, number, completed_at_ms, json) VALUES (?1, ?2, ?3, ?4) RETURNING seq");
        UpdateHistory = new(db, "UPDATE history SET number = ?2, completed_at_ms = ?3, json = ?4 WHERE seq = ?1");
        TrimHistory = new(db, "DELETE FROM history WHERE seq < ?1 RETURNING prompt_id");
        DeleteHistory = new(db, "DELETE FROM history WHERE seq = ?1");
        ClearHistory = new(db, "DELETE FROM history");
        ReadQueue = new(db, "SELECT item, attempts FROM queue ORDER BY number, prompt_id");
        QueueRows = new(db, "SELECT prompt_id, row, running FROM queue");
        HistoryRows = new(db, "SELECT prompt_id, seq FROM history");
        GetHistory = new(db, "SELECT prompt_id, number, completed_at_ms, json FROM history WHERE seq = ?1");
        ReadHistory = new(db, "SELECT prompt_id, number, completed_at_ms, json FROM history ORDER BY seq LIMIT ?1 OFFSET ?2");
    }

    public Statement Begin { get; }
    public Statement Commit { get; }
    public Statement Rollback { get; }
    public Statement InsertPending { get; }
    public Statement UpdatePending { get; }
    public Statement MarkRunning { get; }
    public Statement DeleteQueued { get; }
    public Statement InsertHistory { get; }
    public Statement UpdateHistory { get; }
    public Statement TrimHistory { get; }
    public Statement DeleteHistory { get; }
    public Statement ClearHistory { get; }
    public Statement ReadQueue { get; }
    public Statement QueueRows { get; }
    public Statement HistoryRows { get; }
    public Statement GetHistory { get; }
    public Statement ReadHistory { get; }

    public void Dispose()
    {
        foreach (var statement in (Statement[])[Begin, Commit, Rollback, InsertPending, UpdatePending, MarkRunning, DeleteQueued,
                     InsertHistory, UpdateHistory, TrimHistory, DeleteHistory, ClearHistory, ReadQueue, QueueRows, HistoryRows,
                     GetHistory, ReadHistory])
        {
            statement.Dispose();
        }
    }
}
