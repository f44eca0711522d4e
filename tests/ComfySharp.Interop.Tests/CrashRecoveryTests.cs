using System.Text.Json.Nodes;

namespace ComfySharp.Interop.Tests;

/// <summary>
/// The real CLI with its SQLite store, crashed with <c>kill -9</c> and stopped with SIGTERM: an accepted prompt is never
/// lost, history stays, the prompt that was running runs once more, and a prompt that was running at two crashes goes to
/// history as an error saying why instead of crashing the server a third time.
/// </summary>
public sealed class CrashRecoveryTests : IDisposable
{
    private const string ClientId = "crash-recovery-client";

    /// <summary>Every wait is on an event or a state; this only bounds a test that would otherwise hang.</summary>
    private static readonly TimeSpan Overall = TimeSpan.FromMinutes(5);

    /// <summary>The host's shutdown timeout (ComfySharpServer: 10 s) plus room for a slow machine.</summary>
    private static readonly TimeSpan ShutdownAllowance = TimeSpan.FromSeconds(10 + 20);

    private readonly string _folder = RepoPaths.NewTempFolder();

    public void Dispose() => RepoPaths.DeleteFolder(_folder);

    /// <summary>TestSleep (ComfyUI's test pack) holding the worker for <paramref name="seconds"/>, then PreviewAny.</summary>
    private static JsonObject Sleep(string text, double seconds) => new()
    {
        ["sleep"] = new JsonObject
        {
            ["class_type"] = "TestSleep",
            ["inputs"] = new JsonObject { ["value"] = text, ["seconds"] = seconds },
        },
        ["out"] = new JsonObject { ["class_type"] = "PreviewAny", ["inputs"] = new JsonObject { ["source"] = new JsonArray("sleep", 0) } },
    };

    private static JsonObject Trivial(string text) => new()
    {
        ["1"] = new JsonObject { ["class_type"] = "PrimitiveString", ["inputs"] = new JsonObject { ["value"] = text } },
        ["2"] = new JsonObject { ["class_type"] = "PreviewAny", ["inputs"] = new JsonObject { ["source"] = new JsonArray("1", 0) } },
    };

    [Fact]
    public async Task Prompts_survive_kill_9_and_a_twice_crashed_prompt_is_recorded_as_an_error()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Overall);
        var ct = timeout.Token;
        string earlier, a, b, c;

        // 1. A finished prompt, then A running (its sleep node executing) with B and C pending: kill -9.
        await using (var first = await ServerProcess.StartAsync(_folder, ct))
        {
            using var ws = await first.ConnectAsync(ClientId, ct);
            earlier = await first.QueueAsync(Trivial("before the crash"), ClientId, ct);
            Assert.Equal("success", (string?)(await first.WaitForHistoryAsync(ws, earlier, ct))["status"]!["status_str"]);
            a = await first.QueueAsync(Sleep("long", 30), ClientId, ct);
            b = await first.QueueAsync(Trivial("b"), ClientId, ct);
            c = await first.QueueAsync(Trivial("c"), ClientId, ct);
            await ws.WaitForAsync(e => EventSocket.IsExecuting(e, a, "sleep"), ct);
            var queue = await first.GetAsync("queue", ct);
            Assert.Equal(a, RunningId(queue));
            Assert.Equal(new[] { b, c }.Order(), PendingIds(queue).Order());
            await first.KillAsync();
        }

        // 2. A runs again (its sleep node executing once more), B and C wait behind it, history is intact: kill -9 again.
        await using (var second = await ServerProcess.StartAsync(_folder, ct))
        {
            using var ws = await second.ConnectAsync(ClientId, ct);
            // Live, or (if it started before this socket connected) the executing frame a reconnecting client gets, without prompt_id.
            await ws.WaitForAsync(e => (string?)e["type"] == "executing" && (string?)e["data"]!["node"] == "sleep"
                && ((string?)e["data"]!["prompt_id"] ?? a) == a, ct);
            var queue = await second.GetAsync("queue", ct);
            Assert.True(RunningId(queue) == a, $"A is not running after the restart: {queue.ToJsonString()}\n{second.Log}");
            foreach (var id in (string[])[b, c])
            {
                var pending = PendingIds(queue).Contains(id);
                var done = (string?)(await second.HistoryAsync(id, ct))?["status"]?["status_str"] == "success";
                Assert.True(pending || done, $"{id} is neither pending nor done: {queue.ToJsonString()}");
            }
            Assert.Null(await second.HistoryAsync(a, ct));
            Assert.Equal("success", (string?)(await second.HistoryAsync(earlier, ct))?["status"]?["status_str"]);
            await second.KillAsync();
        }

        // 3. A is not run a third time: it is in history as an error saying why; B and C ran; nothing is left.
        await using var third = await ServerProcess.StartAsync(_folder, ct);
        using (var ws = await third.ConnectAsync(ClientId, ct))
        {
            var entryB = await third.WaitForHistoryAsync(ws, b, ct);
            var entryC = await third.WaitForHistoryAsync(ws, c, ct);
            Assert.Equal("success", (string?)entryB["status"]!["status_str"]);
            Assert.Equal("success", (string?)entryC["status"]!["status_str"]);
            Assert.Equal("b", (string?)entryB["outputs"]!["2"]!["text"]![0]);
            Assert.Equal("c", (string?)entryC["outputs"]!["2"]!["text"]![0]);
            Assert.DoesNotContain(ws.Seen, e => (string?)e["data"]?["prompt_id"] == a && (string?)e["type"] != "execution_error");
        }
        var entryA = await third.HistoryAsync(a, ct);
        Assert.True(entryA is not null, "A has no history entry after its second crash:\n" + third.Log);
        Assert.Equal("error", (string?)entryA["status"]!["status_str"]);
        Assert.False((bool)entryA["status"]!["completed"]!);
        var error = entryA["status"]!["messages"]!.AsArray().Select(m => m!.AsArray()).Single(m => (string?)m[0] == "execution_error");
        var message = (string?)error[1]!["exception_message"];
        Assert.Contains("stopped while running this prompt 2 times", message);
        Assert.Contains("not run again", message);
        Assert.Equal("success", (string?)(await third.HistoryAsync(earlier, ct))?["status"]?["status_str"]);
        Assert.Equal("before the crash", (string?)(await third.HistoryAsync(earlier, ct))!["outputs"]!["2"]!["text"]![0]);
        var queueAfter = await third.GetAsync("queue", ct);
        Assert.Empty(queueAfter["queue_running"]!.AsArray());
        Assert.Empty(queueAfter["queue_pending"]!.AsArray());
        Assert.Equal(4, (await third.GetAsync("history", ct)).Count);
    }

    [Fact]
    public async Task A_prompt_id_queued_again_while_it_ran_survives_kill_9_after_its_first_run_ended()
    {
        // The same prompt_id is queued again while its first run executes; the first run ends (interrupted) and the second
        // starts; kill -9. The second must run again after the restart: the first run's completion must not have taken the
        // second's row with it.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Overall);
        var ct = timeout.Token;
        var id = Guid.NewGuid().ToString();
        await using (var first = await ServerProcess.StartAsync(_folder, ct))
        {
            using var ws = await first.ConnectAsync(ClientId, ct);
            Assert.Equal(id, await first.QueueAsync(Sleep("first run", 30), ClientId, ct, id));
            await ws.WaitForAsync(e => EventSocket.IsExecuting(e, id, "sleep"), ct);
            Assert.Equal(id, await first.QueueAsync(Sleep("queued again", 30), ClientId, ct, id));
            await first.PostAsync("interrupt", new JsonObject { ["prompt_id"] = id }, ct);
            await ws.WaitForAsync(e => (string?)e["type"] == "execution_interrupted" && (string?)e["data"]!["prompt_id"] == id, ct);
            await ws.WaitForAsync(e => EventSocket.IsExecuting(e, id, "sleep"), ct);
            Assert.Equal("first run", SleepValue(await first.HistoryAsync(id, ct)));
            await first.KillAsync();
        }

        await using var second = await ServerProcess.StartAsync(_folder, ct);
        using (var ws = await second.ConnectAsync(ClientId, ct))
        {
            var restored = await second.GetAsync("queue", ct);
            Assert.True(RunningId(restored) == id || PendingIds(restored).Contains(id),
                $"The prompt queued again was lost in the crash: {restored.ToJsonString()}\n{second.Log}");
            await ws.WaitForAsync(e => (string?)e["type"] == "executing" && (string?)e["data"]!["node"] == "sleep"
                && ((string?)e["data"]!["prompt_id"] ?? id) == id, ct);
            var queue = await second.GetAsync("queue", ct);
            Assert.True(RunningId(queue) == id, $"The prompt queued again is not running after the restart: {queue.ToJsonString()}\n{second.Log}");
            await second.PostAsync("interrupt", new JsonObject { ["prompt_id"] = id }, ct);
            await ws.WaitForAsync(e => EventSocket.IsExecuting(e, id, null), ct);
        }
        var entry = await second.HistoryAsync(id, ct);
        Assert.Equal("queued again", SleepValue(entry));
        Assert.Equal("error", (string?)entry!["status"]!["status_str"]);
        Assert.Empty((await second.GetAsync("queue", ct))["queue_pending"]!.AsArray());

        static string? SleepValue(JsonObject? entry) => (string?)entry?["prompt"]?[2]?["sleep"]?["inputs"]?["value"];
    }

    [Fact]
    public async Task Sigterm_interrupts_the_running_prompt_and_exits_cleanly()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Overall);
        var ct = timeout.Token;
        string id;
        await using (var server = await ServerProcess.StartAsync(_folder, ct))
        {
            using var ws = await server.ConnectAsync(ClientId, ct);
            id = await server.QueueAsync(Sleep("terminated", 120), ClientId, ct);
            await ws.WaitForAsync(e => EventSocket.IsExecuting(e, id, "sleep"), ct);
            var exited = await server.TerminateAsync(ShutdownAllowance, ct);
            Assert.True(exited, $"SIGTERM: still running after {ShutdownAllowance}:\n{server.Log}");
            Assert.True(server.ExitCode == 0, $"SIGTERM: exit code {server.ExitCode}:\n{server.Log}");
        }

        await using var restarted = await ServerProcess.StartAsync(_folder, ct);
        var entry = await restarted.HistoryAsync(id, ct);
        Assert.True(entry is not null, "No history entry for the prompt running at SIGTERM:\n" + restarted.Log);
        Assert.Equal("error", (string?)entry["status"]!["status_str"]);
        var messages = entry["status"]!["messages"]!.AsArray().Select(m => (string?)m![0]).ToList();
        Assert.Contains("execution_interrupted", messages);
        Assert.Equal("execution_interrupted", messages[^1]);
        var queue = await restarted.GetAsync("queue", ct);
        Assert.Empty(queue["queue_running"]!.AsArray());
        Assert.Empty(queue["queue_pending"]!.AsArray());
    }

    [Fact]
    public async Task A_second_server_on_the_same_database_exits_with_a_clear_error_and_the_first_keeps_serving()
    {
        // The store holds its database exclusively; a second server must say so and stop, not wait or share the file.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Overall);
        var ct = timeout.Token;
        await using var first = await ServerProcess.StartAsync(_folder, ct);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => ServerProcess.StartAsync(_folder, ct));
        Assert.Contains("Cannot start: The database", refused.Message);
        Assert.Contains("is in use by another process", refused.Message);
        Assert.DoesNotContain("   at ", refused.Message);

        using var ws = await first.ConnectAsync(ClientId, ct);
        var id = await first.QueueAsync(Trivial("after the refusal"), ClientId, ct);
        Assert.Equal("success", (string?)(await first.WaitForHistoryAsync(ws, id, ct))["status"]!["status_str"]);
    }

    private static string? RunningId(JsonObject queue) =>
        queue["queue_running"]!.AsArray() is { Count: > 0 } running ? (string?)running[0]![1] : null;

    private static IEnumerable<string> PendingIds(JsonObject queue) => queue["queue_pending"]!.AsArray().Select(i => (string)i![1]!);
}
