using System.Globalization;

namespace ComfySharp.Storage.Sqlite;

/// <summary>
/// The tables and their versions (<c>PRAGMA user_version</c>). Schema 1 had a unique text index on the prompt id in both
/// tables and AUTOINCREMENT history; schema 2 keys both by rowid alone (the store maps prompt ids in memory), which halves
/// the B-tree work of every write. Schema 3 keeps prompts in a table of their own, written once for the queue row and the
/// history entry both (<see cref="PromptRows"/>). Schema 4 changes no table: a prompts row may hold its prompt packed, as a
/// blob, which a reader of schema 3 would take for text (so it must refuse the file). Opening an older file brings it up to
/// date in one transaction: schema-1 rows are copied over, rows from before schema 3 keep holding their prompts, and text
/// prompts rows stay text.
/// </summary>
internal static class StoreSchema
{
    // prompt: the prompts row that holds the item's prompt, whose stand-in is at byte prompt_at of item (NULL and -1 for a row
    // that holds its prompt); prompt_hash tells its bytes apart (PromptRows.Hash).
    private const string Queue = """
        CREATE TABLE queue (
            row INTEGER PRIMARY KEY,
            prompt_id TEXT NOT NULL,
            number REAL NOT NULL,
            item TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            running INTEGER NOT NULL DEFAULT 0,
            prompt INTEGER,
            prompt_at INTEGER NOT NULL DEFAULT -1,
            prompt_hash INTEGER NOT NULL DEFAULT 0
        );
        """;

    // seq is the rowid: a new row gets one above every row present, which keeps completion order.
    private const string History = """
        CREATE TABLE history (
            seq INTEGER PRIMARY KEY,
            prompt_id TEXT NOT NULL,
            number REAL NOT NULL,
            completed_at_ms INTEGER NOT NULL,
            json TEXT NOT NULL,
            prompt INTEGER,
            prompt_at INTEGER NOT NULL DEFAULT -1
        );
        """;

    // Each prompts row belongs to one queue row or one history entry; json is the prompt's UTF-8 text, or a blob packing it.
    private const string Prompts = """
        CREATE TABLE prompts (
            row INTEGER PRIMARY KEY,
            json TEXT NOT NULL
        );
        """;

    private const string PromptColumns = """
        ALTER TABLE queue ADD COLUMN prompt INTEGER;
        ALTER TABLE queue ADD COLUMN prompt_at INTEGER NOT NULL DEFAULT -1;
        ALTER TABLE queue ADD COLUMN prompt_hash INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE history ADD COLUMN prompt INTEGER;
        ALTER TABLE history ADD COLUMN prompt_at INTEGER NOT NULL DEFAULT -1;
        """;

    public static void Migrate(Database database, int current)
    {
        int version;
        using (var read = new Statement(database, "PRAGMA user_version")) version = (int)read.RunInt64();
        if (version > current)
        {
            throw new InvalidOperationException($"The database was written by a newer ComfySharp (schema {version}); this one knows schema {current}.");
        }
        if (version == current) return;
        var script = version switch
        {
            0 => Queue + History + Prompts,
            3 => "",
            2 => PromptColumns + Prompts,
            1 => "ALTER TABLE queue RENAME TO queue_v1; ALTER TABLE history RENAME TO history_v1;" + Queue + History + Prompts + """
                INSERT INTO queue (prompt_id, number, item, attempts, running)
                    SELECT prompt_id, number, item, attempts, running FROM queue_v1 ORDER BY number, prompt_id;
                INSERT INTO history (seq, prompt_id, number, completed_at_ms, json)
                    SELECT seq, prompt_id, number, completed_at_ms, json FROM history_v1;
                DROP TABLE queue_v1;
                DROP TABLE history_v1;
                """,
            _ => throw new InvalidOperationException($"The database has an unknown schema {version}."),
        };
        database.Execute("BEGIN IMMEDIATE;" + script + string.Create(CultureInfo.InvariantCulture, $"PRAGMA user_version = {current}; COMMIT;"));
    }
}
