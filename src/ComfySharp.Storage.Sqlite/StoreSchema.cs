using System.Globalization;

namespace ComfySharp.Storage.Sqlite;

/// <summary>
/// The tables and their versions (<c>PRAGMA user_version</c>). Schema 1 had a unique text index on the prompt id in both
/// tables and AUTOINCREMENT history; schema 2 keys both by rowid alone (the store maps prompt ids in memory), which halves
/// the B-tree work of every write. Opening a schema-1 file copies its rows over in one transaction.
/// </summary>
internal static class StoreSchema
{
    private const string Queue = """
        CREATE TABLE queue (
            row INTEGER PRIMARY KEY,
            prompt_id TEXT NOT NULL,
            number REAL NOT NULL,
            item TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            running INTEGER NOT NULL DEFAULT 0
        );
        """;

    // seq is the rowid: a new row gets one above every row present, which keeps completion order.
    private const string History = """
        CREATE TABLE history (
            seq INTEGER PRIMARY KEY,
            prompt_id TEXT NOT NULL,
            number REAL NOT NULL,
            completed_at_ms INTEGER NOT NULL,
            json TEXT NOT NULL
        );
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
            0 => Queue + History,
            1 => "ALTER TABLE queue RENAME TO queue_v1; ALTER TABLE history RENAME TO history_v1;" + Queue + History + """
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
