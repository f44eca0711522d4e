using System.Text.Json.Nodes;
using ComfySharp.Engine.Queue;

namespace ComfySharp.Storage.Sqlite.Tests;

/// <summary>What every <see cref="IPromptStore"/> must do; run against the in-memory and the SQLite store.</summary>
public abstract class PromptStoreContractTests : IAsyncLifetime
{
    protected IPromptStore Store { get; private set; } = null!;

    protected abstract ValueTask<IPromptStore> CreateAsync();

    public async ValueTask InitializeAsync() => Store = await CreateAsync();

    public virtual async ValueTask DisposeAsync() => await Store.DisposeAsync();

    protected static QueueItem Item(double number, string? id = null) => new(
        number, id ?? Guid.NewGuid().ToString(),
        new JsonObject { ["1"] = new JsonObject { ["class_type"] = "PreviewAny", ["inputs"] = new JsonObject { ["source"] = "x" } } },
        new JsonObject { ["client_id"] = "c" }, ["1"]);

    protected static HistoryRecord Record(string id, string marker = "x") =>
        new(id, 0, 1, new JsonObject { ["marker"] = marker }.ToJsonString());

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Pending_items_load_in_number_then_id_order_with_their_fields()
    {
        var b = Item(2, "b");
        await Store.AddPendingAsync(b, Ct);
        await Store.AddPendingAsync(Item(1, "z"), Ct);
        await Store.AddPendingAsync(Item(2, "a"), Ct);
        var items = await Store.LoadQueueAsync(Ct);
        Assert.Equal(["z", "a", "b"], items.Select(i => i.PromptId));
        var loaded = items.Single(i => i.PromptId == "b");
        Assert.Equal("c", (string?)loaded.ExtraData["client_id"]);
        Assert.Equal(["1"], loaded.OutputsToExecute);
        Assert.Equal("PreviewAny", (string?)loaded.Prompt["1"]!["class_type"]);
    }

    [Fact]
    public async Task An_entry_given_with_its_prompt_apart_reads_back_whole()
    {
        var prompt = System.Text.Encoding.UTF8.GetBytes(new JsonObject { ["1"] = new string('p', 3000) }.ToJsonString());
        var entry = new HistoryRecord("apart", 1, 2, """{"prompt":[1,"apart",0,{},[]]}"""u8.ToArray(), 21, prompt);
        await Store.CompleteAsync("apart", entry, 100, callerWaits: true, Ct);
        var expected = $$"""{"prompt":[1,"apart",{{System.Text.Encoding.UTF8.GetString(prompt)}},{},[]]}""";
        Assert.Equal(expected, entry.Json);
        Assert.Equal(expected, (await Store.GetHistoryAsync("apart", Ct))!.Json);
        Assert.Equal(expected, (await Store.ReadHistoryAsync(0, null, Ct)).Single().Json);
    }

    [Fact]
    public async Task Remove_and_clear_affect_pending_items_only()
    {
        await Store.AddPendingAsync(Item(1, "running"), Ct);
        await Store.AddPendingAsync(Item(2, "gone"), Ct);
        await Store.AddPendingAsync(Item(3, "stays"), Ct);
        await Store.MarkRunningAsync("running", Ct);
        await Store.RemovePendingAsync(["gone", "running", "unknown"], Ct);
        Assert.Equal(["running", "stays"], (await Store.LoadQueueAsync(Ct)).Select(i => i.PromptId));
        await Store.ClearPendingAsync(Ct);
        Assert.Equal(["running"], (await Store.LoadQueueAsync(Ct)).Select(i => i.PromptId));
    }

    [Fact]
    public async Task A_prompt_id_queued_again_while_it_runs_is_kept_apart_until_each_run_completes()
    {
        await Store.AddPendingAsync(Item(1, "same"), Ct);
        await Store.MarkRunningAsync("same", Ct);
        await Store.AddPendingAsync(Item(2, "same"), Ct);
        Assert.Equal([(1.0, 1), (2.0, 0)], (await Store.LoadQueueAsync(Ct)).Select(i => (i.Number, i.Attempts)));
        // Queued a third time: the pending one is replaced, the running one stays.
        await Store.AddPendingAsync(Item(3, "same"), Ct);
        Assert.Equal([(1.0, 1), (3.0, 0)], (await Store.LoadQueueAsync(Ct)).Select(i => (i.Number, i.Attempts)));

        await Store.CompleteAsync("same", Record("same", "first"), 100, callerWaits: true, Ct);
        Assert.Equal([(3.0, 0)], (await Store.LoadQueueAsync(Ct)).Select(i => (i.Number, i.Attempts)));
        await Store.MarkRunningAsync("same", Ct);
        await Store.CompleteAsync("same", Record("same", "second"), 100, callerWaits: true, Ct);
        Assert.Empty(await Store.LoadQueueAsync(Ct));
        Assert.Equal(Record("same", "second").Json, (await Store.GetHistoryAsync("same", Ct))!.Json);
    }

    [Fact]
    public async Task Delete_and_clear_leave_the_running_item_of_an_id_queued_again()
    {
        await Store.AddPendingAsync(Item(1, "same"), Ct);
        await Store.MarkRunningAsync("same", Ct);
        await Store.AddPendingAsync(Item(2, "same"), Ct);
        await Store.RemovePendingAsync(["same"], Ct);
        Assert.Equal([1.0], (await Store.LoadQueueAsync(Ct)).Select(i => i.Number));
        await Store.AddPendingAsync(Item(3, "same"), Ct);
        await Store.ClearPendingAsync(Ct);
        Assert.Equal([1.0], (await Store.LoadQueueAsync(Ct)).Select(i => i.Number));
        await Store.CompleteAsync("same", Record("same"), 100, callerWaits: true, Ct);
        Assert.Empty(await Store.LoadQueueAsync(Ct));
    }

    [Fact]
    public async Task Mark_running_counts_attempts()
    {
        await Store.AddPendingAsync(Item(1, "p"), Ct);
        await Store.MarkRunningAsync("p", Ct);
        await Store.MarkRunningAsync("p", Ct);
        Assert.Equal(2, (await Store.LoadQueueAsync(Ct)).Single().Attempts);
    }

    [Fact]
    public async Task Complete_moves_an_item_to_history_in_completion_order()
    {
        await Store.AddPendingAsync(Item(1, "first"), Ct);
        await Store.AddPendingAsync(Item(0, "second"), Ct);
        await Store.CompleteAsync("first", Record("first"), 100, callerWaits: false, Ct);
        await Store.CompleteAsync("second", Record("second"), 100, callerWaits: false, Ct);
        Assert.Empty(await Store.LoadQueueAsync(Ct));
        Assert.Equal(2, await Store.CountHistoryAsync(Ct));
        Assert.Equal(["first", "second"], (await Store.ReadHistoryAsync(0, null, Ct)).Select(r => r.PromptId));
        Assert.Equal(Record("second").Json, (await Store.GetHistoryAsync("second", Ct))!.Json);
        Assert.Null(await Store.GetHistoryAsync("nope", Ct));
    }

    [Fact]
    public async Task A_reused_prompt_id_overwrites_its_entry_and_keeps_its_position()
    {
        await Store.CompleteAsync("a", Record("a", "old"), 100, callerWaits: false, Ct);
        await Store.CompleteAsync("b", Record("b"), 100, callerWaits: false, Ct);
        await Store.CompleteAsync("a", Record("a", "new"), 100, callerWaits: false, Ct);
        var all = await Store.ReadHistoryAsync(0, null, Ct);
        Assert.Equal(["a", "b"], all.Select(r => r.PromptId));
        Assert.Contains("new", all[0].Json);
        Assert.Equal(2, await Store.CountHistoryAsync(Ct));
    }

    [Fact]
    public async Task History_beyond_the_cap_drops_the_oldest()
    {
        for (var i = 0; i < 5; i++) await Store.CompleteAsync("h" + i, Record("h" + i), 3, callerWaits: false, Ct);
        Assert.Equal(["h2", "h3", "h4"], (await Store.ReadHistoryAsync(0, null, Ct)).Select(r => r.PromptId));
        Assert.Equal(3, await Store.CountHistoryAsync(Ct));
    }

    [Fact]
    public async Task History_reads_windows_and_deletes()
    {
        for (var i = 0; i < 5; i++) await Store.CompleteAsync("h" + i, Record("h" + i), 100, callerWaits: false, Ct);
        Assert.Equal(["h1", "h2"], (await Store.ReadHistoryAsync(1, 2, Ct)).Select(r => r.PromptId));
        Assert.Empty(await Store.ReadHistoryAsync(9, null, Ct));
        await Store.DeleteHistoryAsync(["h0", "h3", "missing"], Ct);
        Assert.Equal(["h1", "h2", "h4"], (await Store.ReadHistoryAsync(0, null, Ct)).Select(r => r.PromptId));
        Assert.Equal(3, await Store.CountHistoryAsync(Ct));
        await Store.ClearHistoryAsync(Ct);
        Assert.Equal(0, await Store.CountHistoryAsync(Ct));
        Assert.Empty(await Store.ReadHistoryAsync(0, null, Ct));
    }

    [Fact]
    public async Task Concurrent_adds_all_commit()
    {
        var tasks = Enumerable.Range(0, 8).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < 1250; i++) await Store.AddPendingAsync(Item(t * 10_000 + i), Ct);
        }, Ct));
        await Task.WhenAll(tasks);
        Assert.Equal(10_000, (await Store.LoadQueueAsync(Ct)).Count);
    }

    [Fact]
    public async Task Concurrent_adds_and_completions_all_commit()
    {
        // Adds and half the completions may commit on the caller's thread, the other completions go to the writer thread;
        // both paths take turns.
        var adders = Enumerable.Range(0, 4).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < 500; i++) await Store.AddPendingAsync(Item(i, $"q{t}-{i}"), Ct);
        }, Ct));
        var completers = Enumerable.Range(0, 4).Select(t => Task.Run(async () =>
        {
            var writes = new List<Task>();
            for (var i = 0; i < 500; i++) writes.Add(Store.CompleteAsync($"h{t}-{i}", Record($"h{t}-{i}"), 10_000, callerWaits: t % 2 == 0, Ct).AsTask());
            await Task.WhenAll(writes);
        }, Ct));
        await Task.WhenAll([.. adders, .. completers]);
        Assert.Equal(2000, (await Store.LoadQueueAsync(Ct)).Count);
        Assert.Equal(2000, await Store.CountHistoryAsync(Ct));
        Assert.Equal(2000, (await Store.ReadHistoryAsync(0, null, Ct)).Count);
    }
}

public sealed class InMemoryPromptStoreTests : PromptStoreContractTests
{
    protected override ValueTask<IPromptStore> CreateAsync() => ValueTask.FromResult<IPromptStore>(new InMemoryPromptStore());
}

public sealed class SqlitePromptStoreTests : PromptStoreContractTests
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "comfysharp-sqlite-tests", Guid.NewGuid().ToString("N"));

    private string DatabasePath => Path.Combine(_folder, "user", "comfysharp.db");

    protected override async ValueTask<IPromptStore> CreateAsync() => await SqlitePromptStore.OpenAsync(DatabasePath, TestContext.Current.CancellationToken);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task An_attempt_written_only_to_the_running_marker_is_counted_at_the_next_open()
    {
        // A crash right after the marker write and before the attempt's commit: the marker alone must count it.
        var ct = TestContext.Current.CancellationToken;
        await Store.AddPendingAsync(Item(1, "crashed"), ct);
        await Store.AddPendingAsync(Item(2, "waiting"), ct);
        await Store.DisposeAsync();
        using (var marker = RunningMarker.Open(DatabasePath + "-running")) Assert.True(marker.TryWrite("crashed"));

        await using (var reopened = await SqlitePromptStore.OpenAsync(DatabasePath, ct))
        {
            var items = await reopened.LoadQueueAsync(ct);
            Assert.Equal([1, 0], items.Select(i => i.Attempts));
            // Counted once: the marker is cleared, so another open counts nothing.
        }
        await using (var again = await SqlitePromptStore.OpenAsync(DatabasePath, ct))
        {
            Assert.Equal([1, 0], (await again.LoadQueueAsync(ct)).Select(i => i.Attempts));
        }
        await InitializeAsync();
    }

    [Fact]
    public async Task An_attempt_committed_and_marked_is_counted_once()
    {
        var ct = TestContext.Current.CancellationToken;
        await Store.AddPendingAsync(Item(1, "p"), ct);
        await Store.MarkRunningAsync("p", ct);
        Assert.Equal(1, (await Store.LoadQueueAsync(ct)).Single().Attempts);
        await Store.DisposeAsync();
        await using (var reopened = await SqlitePromptStore.OpenAsync(DatabasePath, ct))
        {
            Assert.Equal(1, (await reopened.LoadQueueAsync(ct)).Single().Attempts);
        }
        await InitializeAsync();
    }

    [Fact]
    public async Task A_marker_naming_a_finished_or_unknown_prompt_changes_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await Store.AddPendingAsync(Item(1, "done"), ct);
        await Store.MarkRunningAsync("done", ct);
        await Store.CompleteAsync("done", Record("done"), 100, callerWaits: false, ct);
        await Store.AddPendingAsync(Item(2, "other"), ct);
        await Store.DisposeAsync();
        using (var marker = RunningMarker.Open(DatabasePath + "-running"))
        {
            Assert.Equal("done", marker.Read());
        }
        await using (var reopened = await SqlitePromptStore.OpenAsync(DatabasePath, ct))
        {
            Assert.Equal(0, (await reopened.LoadQueueAsync(ct)).Single().Attempts);
        }
        await File.WriteAllBytesAsync(DatabasePath + "-running", [0xFF, 0xFF, 0xFF, 0x7F, 1, 2], ct);
        await using (var garbage = await SqlitePromptStore.OpenAsync(DatabasePath, ct))
        {
            Assert.Equal(0, (await garbage.LoadQueueAsync(ct)).Single().Attempts);
        }
        await InitializeAsync();
    }

    [Fact]
    public async Task Everything_survives_closing_and_reopening_the_file()
    {
        var ct = TestContext.Current.CancellationToken;
        await Store.AddPendingAsync(Item(1, "pending"), ct);
        await Store.AddPendingAsync(Item(2, "running"), ct);
        await Store.MarkRunningAsync("running", ct);
        await Store.CompleteAsync("done", Record("done"), 100, callerWaits: false, ct);
        await Store.DisposeAsync();

        await using var reopened = await SqlitePromptStore.OpenAsync(DatabasePath, ct);
        var items = await reopened.LoadQueueAsync(ct);
        Assert.Equal(["pending", "running"], items.Select(i => i.PromptId));
        Assert.Equal(1, items[1].Attempts);
        // After a restart the interrupted item is pending again: clearing the queue removes it.
        await reopened.ClearPendingAsync(ct);
        Assert.Empty(await reopened.LoadQueueAsync(ct));
        Assert.Equal(1, await reopened.CountHistoryAsync(ct));
        Assert.Equal(Record("done").Json, (await reopened.GetHistoryAsync("done", ct))!.Json);
        // The first store is disposed; give the base class a live one to dispose.
        await reopened.DisposeAsync();
        await InitializeAsync();
    }

    [Fact]
    public async Task Disposing_completes_every_write_already_accepted()
    {
        var ct = TestContext.Current.CancellationToken;
        var writes = Enumerable.Range(0, 500).Select(i => Store.AddPendingAsync(Item(i), ct).AsTask()).ToList();
        await Store.DisposeAsync();
        await Task.WhenAll(writes);
        await using var reopened = await SqlitePromptStore.OpenAsync(DatabasePath, ct);
        Assert.Equal(500, (await reopened.LoadQueueAsync(ct)).Count);
        await reopened.DisposeAsync();
        await InitializeAsync();
    }

    [Fact]
    public async Task A_schema_1_database_is_migrated_with_its_queue_history_order_and_attempts()
    {
        var ct = TestContext.Current.CancellationToken;
        await Store.DisposeAsync();
        File.Delete(DatabasePath);
        var item = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder { DataSource = DatabasePath }.ToString();
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection(item))
        {
            await connection.OpenAsync(ct);
            await using var command = connection.CreateCommand();
            // The tables as schema 1 made them, with rows as it wrote them (history seq 7 and 3: completion order is seq order).
            command.CommandText = """
                CREATE TABLE queue (prompt_id TEXT PRIMARY KEY, number REAL NOT NULL, item TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0, running INTEGER NOT NULL DEFAULT 0);
                CREATE TABLE history (seq INTEGER PRIMARY KEY AUTOINCREMENT, prompt_id TEXT NOT NULL UNIQUE, number REAL NOT NULL,
                    completed_at_ms INTEGER NOT NULL, json TEXT NOT NULL);
                INSERT INTO queue VALUES ('late', 2, '{"number":2,"prompt_id":"late","prompt":{},"extra_data":{},"outputs":["1"]}', 0, 0);
                INSERT INTO queue VALUES ('early', 1, '{"number":1,"prompt_id":"early","prompt":{},"extra_data":{"client_id":"c"},"outputs":[]}', 1, 1);
                INSERT INTO history VALUES (7, 'second', 5, 200, '{"marker":"b"}');
                INSERT INTO history VALUES (3, 'first', 4, 100, '{"marker":"a"}');
                PRAGMA user_version = 1;
                """;
            await command.ExecuteNonQueryAsync(ct);
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        await using (var migrated = await SqlitePromptStore.OpenAsync(DatabasePath, ct))
        {
            var queue = await migrated.LoadQueueAsync(ct);
            Assert.Equal(["early", "late"], queue.Select(i => i.PromptId));
            Assert.Equal([1, 0], queue.Select(i => i.Attempts));
            Assert.Equal("c", (string?)queue[0].ExtraData["client_id"]);
            Assert.Equal(["first", "second"], (await migrated.ReadHistoryAsync(0, null, ct)).Select(r => r.PromptId));
            Assert.Equal("{\"marker\":\"b\"}", (await migrated.GetHistoryAsync("second", ct))!.Json);
            Assert.Equal(2, await migrated.CountHistoryAsync(ct));
            // New entries go after the migrated ones; migrated ids are still found by id.
            await migrated.CompleteAsync("late", Record("third"), 100, callerWaits: false, ct);
            await migrated.DeleteHistoryAsync(["first"], ct);
            Assert.Equal(["second", "third"], (await migrated.ReadHistoryAsync(0, null, ct)).Select(r => r.PromptId));
            Assert.Equal(["early"], (await migrated.LoadQueueAsync(ct)).Select(i => i.PromptId));
        }
        await using (var reopened = await SqlitePromptStore.OpenAsync(DatabasePath, ct))
        {
            Assert.Equal(["second", "third"], (await reopened.ReadHistoryAsync(0, null, ct)).Select(r => r.PromptId));
        }
        await InitializeAsync();
    }

    [Fact]
    public async Task A_failing_write_fails_alone_and_the_rest_of_its_batch_commits()
    {
        var ct = TestContext.Current.CancellationToken;
        await Store.CompleteAsync("kept", Record("kept"), 100, callerWaits: false, ct);
        // Queued together so that they share a batch: the middle one cannot be written (no JSON).
        var writes = new List<Task>();
        for (var i = 0; i < 50; i++) writes.Add(Store.AddPendingAsync(Item(i, "before-" + i), ct).AsTask());
        var failing = Store.CompleteAsync("bad", new HistoryRecord("bad", 0, 1, (byte[])null!), 100, callerWaits: false, ct).AsTask();
        for (var i = 0; i < 50; i++) writes.Add(Store.CompleteAsync("after-" + i, Record("after-" + i), 100, callerWaits: false, ct).AsTask());
        await Task.WhenAll(writes);
        await Assert.ThrowsAnyAsync<Exception>(() => failing);

        Assert.Equal(50, (await Store.LoadQueueAsync(ct)).Count);
        Assert.Equal(51, await Store.CountHistoryAsync(ct));
        Assert.Null(await Store.GetHistoryAsync("bad", ct));
        Assert.NotNull(await Store.GetHistoryAsync("after-49", ct));
        // The store's own bookkeeping matches the file: a reopened store sees the same.
        await Store.DisposeAsync();
        await using (var reopened = await SqlitePromptStore.OpenAsync(DatabasePath, ct))
        {
            Assert.Equal(51, await reopened.CountHistoryAsync(ct));
            Assert.Equal(["kept", .. Enumerable.Range(0, 50).Select(i => "after-" + i)], (await reopened.ReadHistoryAsync(0, null, ct)).Select(r => r.PromptId));
        }
        await InitializeAsync();
    }

    [Fact]
    public async Task Trimmed_history_ids_are_forgotten_and_can_come_back()
    {
        var ct = TestContext.Current.CancellationToken;
        for (var i = 0; i < 5; i++) await Store.CompleteAsync("h" + i, Record("h" + i), 3, callerWaits: false, ct);
        Assert.Null(await Store.GetHistoryAsync("h0", ct));
        Assert.Null(await Store.GetHistoryAsync("h1", ct));
        await Store.CompleteAsync("h0", Record("h0", "again"), 3, callerWaits: false, ct);
        Assert.Equal(["h3", "h4", "h0"], (await Store.ReadHistoryAsync(0, null, ct)).Select(r => r.PromptId));
        Assert.Equal(Record("h0", "again").Json, (await Store.GetHistoryAsync("h0", ct))!.Json);
        Assert.Equal(3, await Store.CountHistoryAsync(ct));
    }

    [Fact]
    public async Task History_past_the_cap_is_hidden_at_once_and_deleted_in_bulk()
    {
        // Rows past the cap stay in the file until more than HistoryIndex.Slack have gathered, but no read ever shows them.
        var ct = TestContext.Current.CancellationToken;
        const int cap = 10;
        var total = cap + HistoryIndex.Slack;
        for (var i = 0; i < total; i++) await Store.CompleteAsync("h" + i, Record("h" + i), cap, callerWaits: i % 2 == 0, ct);
        string[] newest = [.. Enumerable.Range(total - cap, cap).Select(i => "h" + i)];
        await AssertVisible(Store, newest);
        Assert.Equal(total, await RowsInFileAsync(ct));

        // Hidden rows stay hidden after a restart.
        await using (var reopened = await SqlitePromptStore.OpenAsync(DatabasePath, cap, ct))
        {
            await AssertVisible(reopened, newest);
            // One more hidden row than the slack: they are deleted together.
            await reopened.CompleteAsync("last", Record("last"), cap, callerWaits: true, ct);
            await AssertVisible(reopened, [.. newest[1..], "last"]);
        }
        Assert.Equal(cap, await RowsInFileAsync(ct));
        await InitializeAsync();

        async Task AssertVisible(IPromptStore store, string[] ids)
        {
            Assert.Equal(ids.Length, await store.CountHistoryAsync(ct));
            Assert.Equal(ids, (await store.ReadHistoryAsync(0, null, ct)).Select(r => r.PromptId));
            Assert.Equal(ids[2..5], (await store.ReadHistoryAsync(2, 3, ct)).Select(r => r.PromptId));
            Assert.Null(await store.GetHistoryAsync("h0", ct));
            Assert.Null(await store.GetHistoryAsync("h" + (total - cap - 1), ct));
            Assert.Equal(Record(ids[0]).Json, (await store.GetHistoryAsync(ids[0], ct))!.Json);
        }
    }

    [Fact]
    public async Task Deleting_an_entry_while_rows_are_hidden_brings_none_of_them_back()
    {
        var ct = TestContext.Current.CancellationToken;
        for (var i = 0; i < 5; i++) await Store.CompleteAsync("h" + i, Record("h" + i), 3, callerWaits: false, ct);
        await Store.DeleteHistoryAsync(["h3"], ct);
        Assert.Equal(["h2", "h4"], (await Store.ReadHistoryAsync(0, null, ct)).Select(r => r.PromptId));
        Assert.Equal(2, await Store.CountHistoryAsync(ct));
        Assert.Null(await Store.GetHistoryAsync("h1", ct));
        await Store.CompleteAsync("h5", Record("h5"), 3, callerWaits: false, ct);
        Assert.Equal(["h2", "h4", "h5"], (await Store.ReadHistoryAsync(0, null, ct)).Select(r => r.PromptId));
    }

    [Fact]
    public async Task A_second_store_on_the_same_file_is_refused_while_the_first_is_open()
    {
        var ct = TestContext.Current.CancellationToken;
        await Store.CompleteAsync("kept", Record("kept"), 100, callerWaits: true, ct);
        var refused = await Assert.ThrowsAsync<IOException>(async () => await SqlitePromptStore.OpenAsync(DatabasePath, ct));
        Assert.Contains("in use by another process", refused.Message);
        Assert.NotNull(await Store.GetHistoryAsync("kept", ct));
    }

    [Fact]
    public async Task A_file_that_is_not_a_database_is_refused_with_sqlites_reason()
    {
        var ct = TestContext.Current.CancellationToken;
        await Store.DisposeAsync();
        await File.WriteAllTextAsync(DatabasePath, new string('x', 8192), ct);
        File.Delete(DatabasePath + "-wal");
        var error = await Assert.ThrowsAsync<SqliteStoreException>(async () => await SqlitePromptStore.OpenAsync(DatabasePath, ct));
        Assert.Equal(26, error.ErrorCode); // SQLITE_NOTADB
        Assert.Contains("not a database", error.Message);
        File.Delete(DatabasePath);
        await InitializeAsync();
    }

    [Fact]
    public async Task A_new_database_has_2_kb_pages_and_an_old_one_keeps_its_own()
    {
        var ct = TestContext.Current.CancellationToken;
        await Store.CompleteAsync("one", Record("one"), 100, callerWaits: true, ct);
        Assert.Equal(2048, await PageSizeAsync(ct));
        File.Delete(DatabasePath);
        File.Delete(DatabasePath + "-wal");
        await using (var old = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            await old.OpenAsync(ct);
            await using var command = old.CreateCommand();
            command.CommandText = "PRAGMA page_size=4096; PRAGMA journal_mode=WAL; CREATE TABLE t (x);";
            await command.ExecuteNonQueryAsync(ct);
        }
        await InitializeAsync();
        await Store.CompleteAsync("two", Record("two"), 100, callerWaits: true, ct);
        Assert.Equal(4096, await PageSizeAsync(ct));
        await InitializeAsync();
        Assert.Equal(["two"], (await Store.ReadHistoryAsync(0, null, ct)).Select(r => r.PromptId));

        async Task<long> PageSizeAsync(CancellationToken token)
        {
            await Store.DisposeAsync();
            await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DatabasePath};Pooling=False");
            await connection.OpenAsync(token);
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA page_size";
            return (long)(await command.ExecuteScalarAsync(token))!;
        }
    }

    /// <summary>A history entry as the worker writes it: a stand-in where the item's prompt stands, and the prompt apart.</summary>
    private static HistoryRecord Entry(QueueItem item, string status = "success")
    {
        var head = System.Text.Encoding.UTF8.GetBytes($$"""{"prompt":[{{item.Number}},"{{item.PromptId}}",""");
        var tail = System.Text.Encoding.UTF8.GetBytes($$$""",{},[]],"outputs":{},"status":{"status_str":"{{{status}}}"}}""");
        byte[] json = [.. head, (byte)'0', .. tail];
        return new HistoryRecord(item.PromptId, item.Number, 5, json, head.Length, item.PromptUtf8.ToArray());
    }

    private static QueueItem LongItem(string id, int nodes, string text = "a")
    {
        var prompt = new JsonObject();
        for (var i = 0; i < nodes; i++)
        {
            prompt["n" + i] = new JsonObject { ["class_type"] = "PrimitiveString", ["inputs"] = new JsonObject { ["value"] = text + i } };
        }
        return new QueueItem(1, id, System.Text.Encoding.UTF8.GetBytes(prompt.ToJsonString()), [], ["n0"]);
    }

    [Fact]
    public async Task A_prompt_is_stored_once_and_its_history_entry_takes_it_over_from_the_queue_row()
    {
        var ct = TestContext.Current.CancellationToken;
        var item = LongItem("long", 2_000);
        await Store.AddPendingAsync(item, ct);
        Assert.Equal(item.PromptUtf8.ToArray(), (await Store.LoadQueueAsync(ct)).Single().PromptUtf8.ToArray());
        await Store.MarkRunningAsync("long", ct);
        var entry = Entry(item);
        await Store.CompleteAsync("long", entry, 100, callerWaits: true, ct);
        Assert.Empty(await Store.LoadQueueAsync(ct));
        Assert.Equal(entry.Utf8Json, (await Store.GetHistoryAsync("long", ct))!.Utf8Json);
        Assert.Equal(entry.Utf8Json, (await Store.ReadHistoryAsync(0, null, ct)).Single().Utf8Json);
        Assert.Equal((1, 1L), await PromptRowsAsync(ct));
        var (file, _) = await FileSizesAsync(ct);
        Assert.True(file < 2 * item.PromptUtf8.Length, $"{file} bytes hold a prompt of {item.PromptUtf8.Length}");

        await using (var reopened = await SqlitePromptStore.OpenAsync(DatabasePath, ct))
        {
            Assert.Equal(entry.Utf8Json, (await reopened.GetHistoryAsync("long", ct))!.Utf8Json);
            await reopened.DeleteHistoryAsync(["long"], ct);
        }
        Assert.Equal((0, 0L), await PromptRowsAsync(ct));
        await InitializeAsync();
    }

    [Fact]
    public async Task A_small_prompt_stays_in_its_rows()
    {
        var ct = TestContext.Current.CancellationToken;
        var item = LongItem("small", 3);
        Assert.True(item.PromptUtf8.Length < PromptRows.KeptApartFrom);
        await Store.AddPendingAsync(item, ct);
        Assert.Equal(item.PromptUtf8.ToArray(), (await Store.LoadQueueAsync(ct)).Single().PromptUtf8.ToArray());
        var entry = Entry(item);
        await Store.CompleteAsync("small", entry, 100, callerWaits: true, ct);
        Assert.Equal(entry.Utf8Json, (await Store.GetHistoryAsync("small", ct))!.Utf8Json);
        Assert.Equal((0, 0L), await PromptRowsAsync(ct));
        await InitializeAsync();
        // Queued again with a long prompt, then a short one: the long one's row goes with it.
        await Store.AddPendingAsync(LongItem("small", 40), ct);
        await Store.AddPendingAsync(LongItem("small", 2), ct);
        Assert.Equal(2, (await Store.LoadQueueAsync(ct)).Single().Prompt.Count);
        Assert.Equal((0, 0L), await PromptRowsAsync(ct));
        await InitializeAsync();
    }

    [Fact]
    public async Task A_prompt_id_queued_again_while_it_ran_gives_history_the_prompt_that_ran()
    {
        var ct = TestContext.Current.CancellationToken;
        var first = LongItem("same", 40, "first");
        var again = LongItem("same", 40, "again");
        await Store.AddPendingAsync(first, ct);
        await Store.MarkRunningAsync("same", ct);
        await Store.AddPendingAsync(again, ct);
        var entry = Entry(first);
        await Store.CompleteAsync("same", entry, 100, callerWaits: true, ct);
        Assert.Equal(entry.Utf8Json, (await Store.GetHistoryAsync("same", ct))!.Utf8Json);
        // Completed again (with the prompt queued second): the entry is replaced, prompt and all, and no prompt is left over.
        var second = Entry(again, "error");
        await Store.AddPendingAsync(again, ct);
        await Store.CompleteAsync("same", second, 100, callerWaits: true, ct);
        Assert.Equal(second.Utf8Json, (await Store.GetHistoryAsync("same", ct))!.Utf8Json);
        Assert.Equal((1, 1L), await PromptRowsAsync(ct));
        await InitializeAsync();
    }

    [Fact]
    public async Task A_prompt_id_queued_again_while_it_ran_survives_a_crash_after_the_first_run_completed()
    {
        var ct = TestContext.Current.CancellationToken;
        var first = LongItem("same", 40, "first");
        var again = LongItem("same", 40, "again") with { Number = 2 };
        await Store.AddPendingAsync(first, ct);
        await Store.MarkRunningAsync("same", ct);
        await Store.AddPendingAsync(again, ct);
        await Store.CompleteAsync("same", Entry(first), 100, callerWaits: true, ct);
        await Store.DisposeAsync(); // the process dies before the second run starts

        await InitializeAsync();
        var restored = (await Store.LoadQueueAsync(ct)).Single();
        Assert.Equal((2.0, 0), (restored.Number, restored.Attempts));
        Assert.Equal(again.PromptUtf8.ToArray(), restored.PromptUtf8.ToArray());
        Assert.Equal(Entry(first).Utf8Json, (await Store.GetHistoryAsync("same", ct))!.Utf8Json);
        Assert.Equal((2, 2L), await PromptRowsAsync(ct));
        await InitializeAsync();
    }

    [Fact]
    public async Task A_prompt_id_queued_again_while_it_ran_replaces_the_run_a_crash_interrupted()
    {
        // The process dies during the first run: at the next open the item queued later under the same id takes the interrupted
        // one's place, as it would have replaced it had it still been pending. Its attempts start at 0.
        var ct = TestContext.Current.CancellationToken;
        var first = LongItem("same", 40, "first");
        var again = LongItem("same", 40, "again") with { Number = 2 };
        await Store.AddPendingAsync(LongItem("other", 40), ct);
        await Store.AddPendingAsync(first, ct);
        await Store.MarkRunningAsync("same", ct);
        await Store.AddPendingAsync(again, ct);
        await Store.DisposeAsync();

        await InitializeAsync();
        var restored = await Store.LoadQueueAsync(ct);
        Assert.Equal([("other", 0), ("same", 0)], restored.Select(i => (i.PromptId, i.Attempts)));
        Assert.Equal(again.PromptUtf8.ToArray(), restored[1].PromptUtf8.ToArray());
        Assert.Equal((2, 2L), await PromptRowsAsync(ct));
        await InitializeAsync();
        await Store.CompleteAsync("same", Entry(again), 100, callerWaits: true, ct);
        Assert.Equal(["other"], (await Store.LoadQueueAsync(ct)).Select(i => i.PromptId));
    }

    [Fact]
    public async Task Prompts_go_with_the_rows_that_hold_them()
    {
        var ct = TestContext.Current.CancellationToken;
        for (var i = 0; i < 4; i++) await Store.AddPendingAsync(LongItem("q" + i, 40), ct);
        await Store.RemovePendingAsync(["q0"], ct);
        await Store.AddPendingAsync(LongItem("q1", 50), ct); // queued again: its row and its prompt are replaced
        Assert.Equal(50, (await Store.LoadQueueAsync(ct)).Single(i => i.PromptId == "q1").Prompt.Count);
        Assert.Equal((3, 3L), await PromptRowsAsync(ct));
        await InitializeAsync();
        await Store.ClearPendingAsync(ct);
        // History past its cap: hidden entries are deleted with their prompts, the visible ones keep theirs.
        for (var i = 0; i < HistoryIndex.Slack + 10; i++)
        {
            var item = LongItem("h" + i, 40);
            await Store.AddPendingAsync(item, ct);
            await Store.CompleteAsync(item.PromptId, Entry(item), 3, callerWaits: false, ct);
        }
        var (prompts, history) = await PromptRowsAsync(ct);
        Assert.Equal(history, prompts);
        Assert.True(history < HistoryIndex.Slack, $"{history} rows");
        await InitializeAsync();
        var last = LongItem("h" + (HistoryIndex.Slack + 9), 40);
        Assert.Equal(Entry(last).Utf8Json, (await Store.GetHistoryAsync(last.PromptId, ct))!.Utf8Json);
        await Store.ClearHistoryAsync(ct);
        Assert.Equal((0, 0L), await PromptRowsAsync(ct));
        await InitializeAsync();
    }

    [Fact]
    public async Task A_schema_2_database_keeps_its_rows_whole_and_takes_new_ones_apart()
    {
        var ct = TestContext.Current.CancellationToken;
        await Store.DisposeAsync();
        File.Delete(DatabasePath);
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync(ct);
            await using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE queue (row INTEGER PRIMARY KEY, prompt_id TEXT NOT NULL, number REAL NOT NULL, item TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0, running INTEGER NOT NULL DEFAULT 0);
                CREATE TABLE history (seq INTEGER PRIMARY KEY, prompt_id TEXT NOT NULL, number REAL NOT NULL,
                    completed_at_ms INTEGER NOT NULL, json TEXT NOT NULL);
                INSERT INTO queue (prompt_id, number, item, attempts) VALUES ('old', 1,
                    '{"number":1,"prompt_id":"old","prompt":{"1":{"class_type":"PreviewAny","inputs":{"source":"x"}}},"extra_data":{},"outputs":["1"]}', 1);
                INSERT INTO history (prompt_id, number, completed_at_ms, json) VALUES ('done', 0, 100, '{"prompt":[0,"done",{"1":{}},{},[]]}');
                PRAGMA user_version = 2;
                """;
            await command.ExecuteNonQueryAsync(ct);
        }

        await using (var migrated = await SqlitePromptStore.OpenAsync(DatabasePath, ct))
        {
            var old = (await migrated.LoadQueueAsync(ct)).Single();
            Assert.Equal(("old", 1), (old.PromptId, old.Attempts));
            Assert.Equal("""{"1":{"class_type":"PreviewAny","inputs":{"source":"x"}}}""", System.Text.Encoding.UTF8.GetString(old.PromptUtf8));
            Assert.Equal("""{"prompt":[0,"done",{"1":{}},{},[]]}""", (await migrated.GetHistoryAsync("done", ct))!.Json);
            await migrated.CompleteAsync("old", Entry(old), 100, callerWaits: true, ct);
            var added = LongItem("new", 40);
            await migrated.AddPendingAsync(added, ct);
            Assert.Equal(Entry(old).Utf8Json, (await migrated.GetHistoryAsync("old", ct))!.Utf8Json);
        }
        await using (var reopened = await SqlitePromptStore.OpenAsync(DatabasePath, ct))
        {
            Assert.Equal(["done", "old"], (await reopened.ReadHistoryAsync(0, null, ct)).Select(r => r.PromptId));
            Assert.Equal(40, (await reopened.LoadQueueAsync(ct)).Single().Prompt.Count);
        }
        Assert.Equal((1, 1L), await PromptRowsAsync(ct));
        await InitializeAsync();
    }

    [Fact]
    public async Task A_long_prompt_is_stored_packed_and_reads_back_byte_for_byte()
    {
        var ct = TestContext.Current.CancellationToken;
        // Raw UTF-8 (a JSON writer would have escaped it) and escapes.
        var nodes = Enumerable.Range(0, 2_000).Select(i => $$$"""
            "n{{{i}}}":{"class_type":"PrimitiveString","inputs":{"value":"ünïcødé ✓ \" \\ {{{i}}}"}}
            """);
        var item = new QueueItem(1, "packed", System.Text.Encoding.UTF8.GetBytes("{" + string.Join(",", nodes) + "}"), [], ["n0"]);
        await Store.AddPendingAsync(item, ct);
        var (type, stored) = await PromptRowAsync(ct);
        Assert.Equal("blob", type);
        Assert.True(stored * 5 < item.PromptUtf8.Length, $"{stored} bytes hold a prompt of {item.PromptUtf8.Length}");

        await InitializeAsync();
        var restored = (await Store.LoadQueueAsync(ct)).Single();
        Assert.Equal(item.PromptUtf8.ToArray(), restored.PromptUtf8.ToArray());
        var entry = Entry(item);
        await Store.CompleteAsync("packed", entry, 100, callerWaits: true, ct);
        Assert.Equal(entry.Utf8Json, (await Store.GetHistoryAsync("packed", ct))!.Utf8Json);
        await Store.DisposeAsync();
        await InitializeAsync();
        Assert.Equal(entry.Utf8Json, (await Store.ReadHistoryAsync(0, null, ct)).Single().Utf8Json);
    }

    [Fact]
    public async Task A_schema_3_file_with_a_prompt_row_in_text_is_read_as_it_is()
    {
        var ct = TestContext.Current.CancellationToken;
        var item = LongItem("text", 300);
        await Store.AddPendingAsync(item, ct);
        await Store.DisposeAsync();
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            // As schema 3 wrote it: the prompt as text.
            await connection.OpenAsync(ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE prompts SET json = $text; PRAGMA user_version = 3;";
            command.Parameters.AddWithValue("$text", System.Text.Encoding.UTF8.GetString(item.PromptUtf8));
            await command.ExecuteNonQueryAsync(ct);
        }
        await InitializeAsync();
        Assert.Equal(item.PromptUtf8.ToArray(), (await Store.LoadQueueAsync(ct)).Single().PromptUtf8.ToArray());
        var entry = Entry(item);
        await Store.CompleteAsync("text", entry, 100, callerWaits: true, ct);
        Assert.Equal(entry.Utf8Json, (await Store.GetHistoryAsync("text", ct))!.Utf8Json);
        var (type, _) = await PromptRowAsync(ct);
        Assert.Equal("text", type); // the history entry took the row over as it was
        Assert.Equal(4L, await UserVersionAsync(ct));
        await InitializeAsync();
    }

    [Fact]
    public void A_prompt_that_does_not_pack_smaller_stays_text_and_a_damaged_packed_row_is_reported()
    {
        var noise = new byte[4096];
        new Random(7).NextBytes(noise);
        Assert.Null(PromptRows.Pack(noise));
        var prompt = System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("""{"class_type":"PreviewAny"},""", 200)));
        var packed = PromptRows.Pack(prompt)!;
        Assert.Equal(prompt, PromptRows.Unpack(packed));
        Assert.Throws<InvalidDataException>(() => PromptRows.Unpack(packed.AsSpan(0, 3)));
        Assert.Throws<InvalidDataException>(() => PromptRows.Unpack(packed.AsSpan(0, packed.Length / 2)));
        packed[0]++; // a length the data does not unpack to
        Assert.Throws<InvalidDataException>(() => PromptRows.Unpack(packed));

        // Large and only partly compressible (base64 noise packs to ~3/4): the output outgrows its first buffer several times.
        var large = new byte[6 << 20];
        new Random(8).NextBytes(large);
        var text = System.Text.Encoding.UTF8.GetBytes("{\"1\":{\"inputs\":{\"value\":\"" + Convert.ToBase64String(large) + "\"}}}");
        var packedLarge = PromptRows.Pack(text)!;
        Assert.InRange(packedLarge.Length, text.Length / 2, text.Length - 1);
        Assert.Equal(text, PromptRows.Unpack(packedLarge));
    }

    /// <summary>The one prompts row's storage class and size in bytes; the store must be closed.</summary>
    private async Task<(string Type, long Length)> PromptRowAsync(CancellationToken ct)
    {
        await Store.DisposeAsync();
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT typeof(json), length(CAST(json AS BLOB)) FROM prompts";
        await using var reader = await command.ExecuteReaderAsync(ct);
        Assert.True(await reader.ReadAsync(ct));
        return (reader.GetString(0), reader.GetInt64(1));
    }

    private async Task<long> UserVersionAsync(CancellationToken ct)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version";
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Rows of the prompts table, and rows that name one (queue and history); the store must be closed.</summary>
    private async Task<(long Prompts, long Holders)> PromptRowsAsync(CancellationToken ct)
    {
        await Store.DisposeAsync();
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT count(*) FROM prompts), " +
            "(SELECT count(*) FROM queue WHERE prompt IN (SELECT row FROM prompts)) + (SELECT count(*) FROM history WHERE prompt IN (SELECT row FROM prompts))";
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>The database's size in bytes once checkpointed; the store must be closed.</summary>
    private async Task<(long File, long Wal)> FileSizesAsync(CancellationToken ct)
    {
        await Store.DisposeAsync();
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync(ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            await command.ExecuteNonQueryAsync(ct);
        }
        var wal = new FileInfo(DatabasePath + "-wal");
        return (new FileInfo(DatabasePath).Length, wal.Exists ? wal.Length : 0);
    }

    /// <summary>History rows in the file, hidden ones included; the store must be closed (it holds the file exclusively).</summary>
    private async Task<long> RowsInFileAsync(CancellationToken ct)
    {
        await Store.DisposeAsync();
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM history";
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    [Fact]
    public async Task The_wal_stays_small_under_a_steady_stream_of_commits()
    {
        // Checkpoints must catch up with the writes and let the WAL start over; a checkpoint that runs beside a writer
        // that never pauses does not, and the WAL then holds everything ever written.
        var ct = TestContext.Current.CancellationToken;
        var json = new JsonObject { ["marker"] = new string('x', 4000) }.ToJsonString();
        // Eight writers that each wait for their commit, as the posters and the worker of a busy server do.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = w; i < 10_000; i += 8) await Store.CompleteAsync("h" + i, new HistoryRecord("h" + i, i, 1, json), 1_000, callerWaits: false, ct);
        }, ct)));
        var wal = new FileInfo(DatabasePath + "-wal");
        Assert.True(wal.Length < 16 << 20, $"the WAL holds {wal.Length} bytes after 40 MB of history");
        Assert.Equal(1_000, await Store.CountHistoryAsync(ct));
    }

    [Fact]
    public async Task A_caller_that_commits_its_own_writes_leaves_the_checkpoints_to_the_writer_thread()
    {
        // One caller whose every commit runs on its own thread (nobody else writes): the checkpoints it makes due must still
        // happen, on the writer thread; SQLite's own would only start at 32 MB.
        var ct = TestContext.Current.CancellationToken;
        var json = new JsonObject { ["marker"] = new string('x', 4000) }.ToJsonString();
        for (var i = 0; i < 10_000; i++) await Store.CompleteAsync("h" + i, new HistoryRecord("h" + i, i, 1, json), 1_000, callerWaits: true, ct);
        var wal = new FileInfo(DatabasePath + "-wal");
        Assert.True(wal.Length < 16 << 20, $"the WAL holds {wal.Length} bytes after 40 MB of history");
        Assert.Equal(1_000, await Store.CountHistoryAsync(ct));
    }

    [Fact]
    public async Task A_database_from_a_newer_version_is_refused_with_a_clear_message()
    {
        var ct = TestContext.Current.CancellationToken;
        await Store.DisposeAsync();
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DatabasePath}"))
        {
            await connection.OpenAsync(ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version = 99";
            await command.ExecuteNonQueryAsync(ct);
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await SqlitePromptStore.OpenAsync(DatabasePath, ct));
        Assert.Contains("newer", error.Message);
        File.Delete(DatabasePath);
        await InitializeAsync();
    }
}
