using System.Text.Json.Nodes;
using ComfySharp.Server.Tests.Infrastructure;

namespace ComfySharp.Server.Tests;

public sealed class QueueAndHistoryTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await TestServer.StartAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Pending_items_run_by_number_front_first_and_can_be_deleted_or_cleared()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var ws = await _server.ConnectAsync("queue", ct);
        await ws.ReceiveJsonAsync(ct);
        var gate = "queue-" + Guid.NewGuid().ToString("N");
        var blocker = await _server.QueueAsync(Prompts.Gate(gate), "queue", ct);
        await TestNodes.Gates.WaitEnteredAsync(gate, ct);

        var late = await _server.QueueAsync(Prompts.Trivial("late"), "queue", ct);
        var front = await _server.QueueAsync(Prompts.Trivial("front"), "queue", ct, new JsonObject { ["front"] = true });
        var numbered = await _server.QueueAsync(Prompts.Trivial("numbered"), "queue", ct, new JsonObject { ["number"] = -1000 });
        var deleted = await _server.QueueAsync(Prompts.Trivial("deleted"), "queue", ct);

        var (_, queue) = await _server.GetJsonAsync("/queue", ct);
        Assert.Equal(blocker, (string?)queue!["queue_running"]![0]![1]);
        var pending = queue["queue_pending"]!.AsArray().Select(i => (string)i![1]!).ToList();
        Assert.Equal(4, pending.Count);
        Assert.Equal(5, (int)(await _server.GetJsonAsync("/prompt", ct)).Body!["exec_info"]!["queue_remaining"]!);

        await _server.PostJsonAsync("/queue", new JsonObject { ["delete"] = new JsonArray(deleted, "unknown-id") }, ct);
        (_, queue) = await _server.GetJsonAsync("/queue", ct);
        Assert.DoesNotContain(deleted, queue!["queue_pending"]!.AsArray().Select(i => (string)i![1]!));

        TestNodes.Gates.Release(gate);
        var order = new List<string>();
        while (order.Count < 4)
        {
            var e = await ws.ReceiveJsonAsync(ct);
            if ((string?)e["type"] == "execution_start") order.Add((string)e["data"]!["prompt_id"]!);
        }
        Assert.Equal([blocker, numbered, front, late], order);
    }

    [Fact]
    public async Task Back_to_back_prompts_keep_their_events_in_blocks_and_each_history_is_readable_at_its_end()
    {
        // The worker starts the next prompt while the previous history entry commits; clients must not see the difference.
        var ct = TestContext.Current.CancellationToken;
        await using var ws = await _server.ConnectAsync("burst", ct);
        await ws.ReceiveJsonAsync(ct);
        var gate = "burst-" + Guid.NewGuid().ToString("N");
        var ids = new List<string> { await _server.QueueAsync(Prompts.Gate(gate), "burst", ct) };
        await TestNodes.Gates.WaitEnteredAsync(gate, ct);
        for (var i = 0; i < 15; i++) ids.Add(await _server.QueueAsync(Prompts.Trivial("burst" + i), "burst", ct));
        TestNodes.Gates.Release(gate);

        var blocks = new List<string>();
        var done = 0;
        while (done < ids.Count)
        {
            var e = await ws.ReceiveJsonAsync(ct);
            var type = (string)e["type"]!;
            if (e["data"]?["prompt_id"] is not JsonValue id) continue;
            var promptId = (string)id!;
            if (blocks.Count == 0 || blocks[^1] != promptId)
            {
                Assert.DoesNotContain(promptId, blocks); // a prompt's events never resume after another prompt's began
                Assert.Equal("execution_start", type);
                blocks.Add(promptId);
            }
            if (type == "executing" && e["data"]!["node"] is null)
            {
                done++;
                var (_, history) = await _server.GetJsonAsync($"/history/{promptId}", ct);
                Assert.True(history is JsonObject o && o.ContainsKey(promptId), $"history of {promptId} missing at its executing null");
                Assert.Equal("success", (string?)history[promptId]!["status"]!["status_str"]);
            }
        }
        Assert.Equal(ids, blocks);
        var (_, queue) = await _server.GetJsonAsync("/queue", ct);
        Assert.Empty(queue!["queue_running"]!.AsArray());
        Assert.Empty(queue["queue_pending"]!.AsArray());
    }

    [Fact]
    public async Task Clear_removes_every_pending_item_but_not_the_running_one()
    {
        var ct = TestContext.Current.CancellationToken;
        var gate = "clear-" + Guid.NewGuid().ToString("N");
        var running = await _server.QueueAsync(Prompts.Gate(gate), null, ct);
        await TestNodes.Gates.WaitEnteredAsync(gate, ct);
        await _server.QueueAsync(Prompts.Trivial("c1"), null, ct);
        await _server.QueueAsync(Prompts.Trivial("c2"), null, ct);
        await _server.PostJsonAsync("/queue", new JsonObject { ["clear"] = true }, ct);
        var (_, queue) = await _server.GetJsonAsync("/queue", ct);
        Assert.Empty(queue!["queue_pending"]!.AsArray());
        Assert.Equal(running, (string?)queue["queue_running"]![0]![1]);
        TestNodes.Gates.Release(gate);
    }

    [Fact]
    public async Task History_window_delete_and_clear_follow_ComfyUI()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var ws = await _server.ConnectAsync("history", ct);
        await ws.ReceiveJsonAsync(ct);
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var id = await _server.QueueAsync(Prompts.Trivial("h" + i), "history", ct);
            await ws.CollectUntilDoneAsync(id, ct);
            ids.Add(id);
        }
        async Task<List<string>> Keys(string query) => (await _server.GetJsonAsync("/history" + query, ct)).Body!.AsObject().Select(p => p.Key).ToList();

        Assert.Equal(ids, await Keys(""));
        Assert.Equal(ids[3..], await Keys("?max_items=2"));
        Assert.Equal(ids[1..3], await Keys("?max_items=2&offset=1"));
        Assert.Equal(ids[2..], await Keys("?offset=2"));
        Assert.Empty(await Keys("?offset=10"));
        Assert.Equal(400, (await _server.GetJsonAsync("/history?max_items=abc", ct)).Status);
        Assert.Empty((await _server.GetJsonAsync("/history/" + Guid.NewGuid(), ct)).Body!.AsObject());

        await _server.PostJsonAsync("/history", new JsonObject { ["delete"] = new JsonArray(ids[0]) }, ct);
        Assert.Equal(ids[1..], await Keys(""));
        await _server.PostJsonAsync("/history", new JsonObject { ["clear"] = true }, ct);
        Assert.Empty(await Keys(""));
    }

    [Fact]
    public async Task Jobs_api_lists_filters_details_and_cancels()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var ws = await _server.ConnectAsync("jobs", ct);
        await ws.ReceiveJsonAsync(ct);
        var done = await _server.QueueAsync(Prompts.Trivial("job"), "jobs", ct);
        await ws.CollectUntilDoneAsync(done, ct);
        var gate = "jobs-" + Guid.NewGuid().ToString("N");
        var running = await _server.QueueAsync(Prompts.Gate(gate), "jobs", ct);
        await TestNodes.Gates.WaitEnteredAsync(gate, ct);
        var pending = await _server.QueueAsync(Prompts.Trivial("pending job"), "jobs", ct);

        var (status, list) = await _server.GetJsonAsync("/api/jobs", ct);
        Assert.Equal(200, status);
        var jobs = list!["jobs"]!.AsArray();
        Assert.Equal(3, (int)list["pagination"]!["total"]!);
        var byId = jobs.ToDictionary(j => (string)j!["id"]!, j => j!);
        Assert.Equal("completed", (string?)byId[done]["status"]);
        Assert.Equal("in_progress", (string?)byId[running]["status"]);
        Assert.Equal("pending", (string?)byId[pending]["status"]);
        Assert.Equal(1, (int)byId[done]["outputs_count"]!);
        Assert.NotNull(byId[done]["execution_start_time"]);

        Assert.Single((await _server.GetJsonAsync("/api/jobs?status=pending", ct)).Body!["jobs"]!.AsArray());
        Assert.Equal(400, (await _server.GetJsonAsync("/api/jobs?status=bogus", ct)).Status);
        Assert.Equal(400, (await _server.GetJsonAsync("/api/jobs?limit=0", ct)).Status);
        Assert.Equal(200, (await _server.GetJsonAsync("/api/api/jobs", ct)).Status);
        var page = (await _server.GetJsonAsync("/api/jobs?limit=1&sort_order=asc", ct)).Body!;
        Assert.True((bool)page["pagination"]!["has_more"]!);

        var detail = (await _server.GetJsonAsync($"/api/jobs/{done}", ct)).Body!;
        Assert.Equal("success", (string?)detail["execution_status"]!["status_str"]);
        Assert.NotNull(detail["workflow"]!["prompt"]);
        Assert.Equal(404, (await _server.GetJsonAsync($"/api/jobs/{Guid.NewGuid()}", ct)).Status);

        Assert.Equal(400, (await _server.PostJsonAsync("/api/jobs/cancel", new JsonObject { ["job_ids"] = new JsonArray("nope") }, ct)).Status);
        Assert.Equal(400, (await _server.PostJsonAsync("/api/jobs/cancel", new JsonObject { ["job_ids"] = "x" }, ct)).Status);
        var cancelPending = (await _server.PostJsonAsync("/api/jobs/cancel", new JsonObject { ["job_ids"] = new JsonArray(pending) }, ct)).Body!;
        Assert.True((bool)cancelPending["cancelled"]!);
        var cancelRunning = (await _server.PostJsonAsync($"/api/jobs/{running}/cancel", null, ct)).Body!;
        Assert.True((bool)cancelRunning["cancelled"]!);
        await ws.CollectUntilDoneAsync(running, ct);
        var cancelledJob = (await _server.GetJsonAsync($"/api/jobs/{running}", ct)).Body!;
        Assert.Equal("cancelled", (string?)cancelledJob["status"]);
        Assert.False((bool)(await _server.PostJsonAsync($"/api/jobs/{done}/cancel", null, ct)).Body!["cancelled"]!);
    }
}
