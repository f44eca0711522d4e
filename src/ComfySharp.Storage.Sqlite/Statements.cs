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
        InsertPrompt = new(db, "INSERT INTO prompts (json) VALUES (?1) RETURNING row");
        UpdatePrompt = new(db, "UPDATE prompts SET json = ?2 WHERE row = ?1");
        DeletePrompt = new(db, "DELETE FROM prompts WHERE row = ?1");
        InsertPending = new(db, "INSERT INTO queue (prompt_id, number, item, attempts, running, prompt, prompt_at, prompt_hash) " +
            "VALUES (?1, ?2, ?3, ?4, 0, ?5, ?6, ?7) RETURNING row");
        UpdatePending = new(db, "UPDATE queue SET number = ?2, item = ?3, attempts = ?4, running = 0, prompt = ?5, prompt_at = ?6, " +
            "prompt_hash = ?7 WHERE row = ?1");
        MarkRunning = new(db, "UPDATE queue SET running = 1, attempts = attempts + 1 WHERE row = ?1");
        DeleteQueued = new(db, "DELETE FROM queue WHERE row = ?1");
        InsertHistory = new(db, "INSERT INTO history (prompt_id, number, completed_at_ms, json, prompt, prompt_at) " +
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING seq");
        UpdateHistory = new(db, "UPDATE history SET number = ?2, completed_at_ms = ?3, json = ?4, prompt = ?5, prompt_at = ?6 WHERE seq = ?1");
        DeleteHistoryPrompt = new(db, "DELETE FROM prompts WHERE row = (SELECT prompt FROM history WHERE seq = ?1)");
        TrimHistoryPrompts = new(db, "DELETE FROM prompts WHERE row IN (SELECT prompt FROM history WHERE seq < ?1)");
        TrimHistory = new(db, "DELETE FROM history WHERE seq < ?1 RETURNING prompt_id");
        DeleteHistory = new(db, "DELETE FROM history WHERE seq = ?1");
        ClearHistoryPrompts = new(db, "DELETE FROM prompts WHERE row IN (SELECT prompt FROM history)");
        ClearHistory = new(db, "DELETE FROM history");
        ReadQueue = new(db, "SELECT q.item, q.attempts, q.prompt_at, p.json, q.row FROM queue q LEFT JOIN prompts p ON p.row = q.prompt " +
            "ORDER BY q.number, q.prompt_id");
        QueueRows = new(db, "SELECT prompt_id, row, running, prompt, prompt_hash FROM queue ORDER BY row");
        HistoryRows = new(db, "SELECT prompt_id, seq FROM history");
        GetHistory = new(db, "SELECT h.prompt_id, h.number, h.completed_at_ms, h.json, h.prompt_at, p.json FROM history h " +
            "LEFT JOIN prompts p ON p.row = h.prompt WHERE h.seq = ?1");
        ReadHistory = new(db, "SELECT h.prompt_id, h.number, h.completed_at_ms, h.json, h.prompt_at, p.json FROM history h " +
            "LEFT JOIN prompts p ON p.row = h.prompt ORDER BY h.seq LIMIT ?1 OFFSET ?2");
    }

    public Statement Begin { get; }
    public Statement Commit { get; }
    public Statement Rollback { get; }
    public Statement InsertPrompt { get; }
    public Statement UpdatePrompt { get; }
    public Statement DeletePrompt { get; }
    public Statement InsertPending { get; }
    public Statement UpdatePending { get; }
    public Statement MarkRunning { get; }
    public Statement DeleteQueued { get; }
    public Statement InsertHistory { get; }
    public Statement UpdateHistory { get; }
    public Statement DeleteHistoryPrompt { get; }
    public Statement TrimHistoryPrompts { get; }
    public Statement TrimHistory { get; }
    public Statement DeleteHistory { get; }
    public Statement ClearHistoryPrompts { get; }
    public Statement ClearHistory { get; }
    public Statement ReadQueue { get; }
    public Statement QueueRows { get; }
    public Statement HistoryRows { get; }
    public Statement GetHistory { get; }
    public Statement ReadHistory { get; }

    public void Dispose()
    {
        foreach (var statement in (Statement[])[Begin, Commit, Rollback, InsertPrompt, UpdatePrompt, DeletePrompt, InsertPending,
                     UpdatePending, MarkRunning, DeleteQueued, InsertHistory, UpdateHistory, DeleteHistoryPrompt, TrimHistoryPrompts,
                     TrimHistory, DeleteHistory, ClearHistoryPrompts, ClearHistory, ReadQueue, QueueRows, HistoryRows, GetHistory,
                     ReadHistory])
        {
            statement.Dispose();
        }
    }
}
