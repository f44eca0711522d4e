using System.Text.Json.Nodes;
using ComfySharp.Server.Tests.Infrastructure;

namespace ComfySharp.Server.Tests;

public sealed class ExecutionTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await TestServer.StartAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task A_prompt_sends_ComfyUI_events_in_order_and_writes_history_before_the_final_executing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var ws = await _server.ConnectAsync("order", ct);
        await ws.ReceiveJsonAsync(ct);
        var id = await _server.QueueAsync(Prompts.Trivial("a", "b"), "order", ct);
        var events = await ws.CollectUntilDoneAsync(id, ct);
        var types = Events.Types(events);

        Assert.Equal("status", types[0]);
        var start = types.IndexOf("execution_start");
        Assert.True(start > 0);
        Assert.Equal("execution_cached", types[start + 1]);
        Assert.Equal(["status", "executing"], types[^2..]);
        Assert.Equal("execution_success", types[^3]);
        Assert.Equal(new HashSet<string> { "1", "2", "3" }, Events.Ran(events));

        var executed = Events.First(events, "executed")!;
        Assert.Equal("3", (string?)executed["data"]!["node"]);
        Assert.Equal("a b", (string?)executed["data"]!["output"]!["text"]![0]);
        var executing = events.First(e => (string?)e["type"] == "executing");
        Assert.Equal(id, (string?)executing["data"]!["prompt_id"]);
        Assert.Equal((string?)executing["data"]!["node"], (string?)executing["data"]!["display_node"]);
        var state = Events.First(events, "progress_state")!;
        Assert.Equal(id, (string?)state["data"]!["prompt_id"]);

        // The final executing {node: null} comes after history is written.
        var history = await _server.HistoryAsync(id, ct);
        Assert.Equal("success", (string?)history["status"]!["status_str"]);
        Assert.True((bool)history["status"]!["completed"]!);
        Assert.Equal("a b", (string?)history["outputs"]!["3"]!["text"]![0]);
        Assert.Equal("3", (string?)history["meta"]!["3"]!["node_id"]);
        var messages = history["status"]!["messages"]!.AsArray().Select(m => (string)m![0]!).ToList();
        Assert.Equal(["execution_start", "execution_cached", "execution_success"], messages);
        var tuple = history["prompt"]!.AsArray();
        Assert.Equal(id, (string?)tuple[1]);
        Assert.Equal("order", (string?)tuple[3]!["client_id"]);
        Assert.Equal(["3"], tuple[4]!.AsArray().Select(n => (string)n!));
    }

    [Fact]
    public async Task Identical_resubmission_is_fully_cached_and_reports_the_cached_ui()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var ws = await _server.ConnectAsync("cache", ct);
        await ws.ReceiveJsonAsync(ct);
        var prompt = Prompts.Trivial("cached", "twice");
        await ws.CollectUntilDoneAsync(await _server.QueueAsync(prompt, "cache", ct), ct);
        var id = await _server.QueueAsync(prompt, "cache", ct);
        var events = await ws.CollectUntilDoneAsync(id, ct);
        Assert.Empty(Events.Ran(events));
        Assert.Equal(new HashSet<string> { "1", "2", "3" }, Events.Cached(events));
        Assert.Equal("cached twice", (string?)Events.First(events, "executed")!["data"]!["output"]!["text"]![0]);
        var history = await _server.HistoryAsync(id, ct);
        Assert.Equal("cached twice", (string?)history["outputs"]!["3"]!["text"]![0]);
    }

    [Fact]
    public async Task Changing_one_constant_reruns_only_what_depends_on_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var ws = await _server.ConnectAsync("partial-cache", ct);
        await ws.ReceiveJsonAsync(ct);
        await ws.CollectUntilDoneAsync(await _server.QueueAsync(Prompts.Trivial("same", "one"), "partial-cache", ct), ct);
        var events = await ws.CollectUntilDoneAsync(await _server.QueueAsync(Prompts.Trivial("same", "two"), "partial-cache", ct), ct);
        Assert.Equal(new HashSet<string> { "2", "3" }, Events.Ran(events));
        Assert.Contains("1", Events.Cached(events));
    }

    [Fact]
    public async Task A_failing_node_reports_execution_error_with_ComfyUI_data_and_history_says_error()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var ws = await _server.ConnectAsync("fail", ct);
        await ws.ReceiveJsonAsync(ct);
        var prompt = Prompts.Trivial("before", "fail");
        prompt["9"] = new JsonObject
        {
            ["class_type"] = "CsTestFail",
            ["inputs"] = new JsonObject { ["message"] = "it broke", ["value"] = new JsonArray("2", 0) },
        };
        prompt.Remove("3");
        var id = await _server.QueueAsync(prompt, "fail", ct);
        var events = await ws.CollectUntilDoneAsync(id, ct);
        var types = Events.Types(events);
        Assert.DoesNotContain("execution_success", types);
        var error = Events.First(events, "execution_error")!["data"]!;
        Assert.Equal(id, (string?)error["prompt_id"]);
        Assert.Equal("9", (string?)error["node_id"]);
        Assert.Equal("CsTestFail", (string?)error["node_type"]);
        Assert.Equal("it broke\n", (string?)error["exception_message"]);
        Assert.Equal("InvalidOperationException", (string?)error["exception_type"]);
        Assert.Equal(["it broke"], error["current_inputs"]!["message"]!.AsArray().Select(v => (string)v!));
        // Only the failing node's own inputs (the engine reuses the table of nodes that finished before it).
        Assert.Equal(new HashSet<string> { "message", "value" }, error["current_inputs"]!.AsObject().Select(p => p.Key).ToHashSet());
        Assert.Equal(new HashSet<string> { "1", "2" }, error["executed"]!.AsArray().Select(v => (string)v!).ToHashSet());
        Assert.NotNull(error["timestamp"]);
        Assert.Equal(["status", "executing"], types[^2..]);

        var history = await _server.HistoryAsync(id, ct);
        Assert.Equal("error", (string?)history["status"]!["status_str"]);
        Assert.False((bool)history["status"]!["completed"]!);
    }

    [Fact]
    public async Task Interrupt_stops_the_running_node_cooperatively()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var ws = await _server.ConnectAsync("interrupt", ct);
        await ws.ReceiveJsonAsync(ct);
        var gate = "interrupt-" + Guid.NewGuid().ToString("N");
        var id = await _server.QueueAsync(Prompts.Gate(gate), "interrupt", ct);
        await TestNodes.Gates.WaitEnteredAsync(gate, ct);
        var (status, _) = await _server.PostRawAsync("/interrupt", "", ct);
        Assert.Equal(200, status);
        var events = await ws.CollectUntilDoneAsync(id, ct);
        var interrupted = Events.First(events, "execution_interrupted")!["data"]!;
        Assert.Equal("g", (string?)interrupted["node_id"]);
        Assert.Equal("CsTestGate", (string?)interrupted["node_type"]);
        var history = await _server.HistoryAsync(id, ct);
        Assert.Equal("error", (string?)history["status"]!["status_str"]);
        Assert.Equal("execution_interrupted", (string?)history["status"]!["messages"]!.AsArray().Last()![0]);
    }

    [Fact]
    public async Task Interrupt_by_prompt_id_ignores_other_prompts()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var ws = await _server.ConnectAsync("interrupt-id", ct);
        await ws.ReceiveJsonAsync(ct);
        var gate = "interrupt-id-" + Guid.NewGuid().ToString("N");
        var id = await _server.QueueAsync(Prompts.Gate(gate), "interrupt-id", ct);
        await TestNodes.Gates.WaitEnteredAsync(gate, ct);
        await _server.PostJsonAsync("/interrupt", new JsonObject { ["prompt_id"] = Guid.NewGuid().ToString() }, ct);
        TestNodes.Gates.Release(gate);
        var events = await ws.CollectUntilDoneAsync(id, ct);
        Assert.Contains("execution_success", Events.Types(events));
    }

    [Fact]
    public async Task Without_client_id_progress_goes_to_every_socket_and_targeted_events_to_none()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var ws = await _server.ConnectAsync("bystander", ct);
        await ws.ReceiveJsonAsync(ct);
        var prompt = new JsonObject
        {
            ["p"] = new JsonObject { ["class_type"] = "CsTestProgress", ["inputs"] = new JsonObject { ["steps"] = 2 } },
        };
        var id = await _server.QueueAsync(prompt, clientId: null, ct);
        var seen = new List<JsonObject>();
        while (true)
        {
            var e = await ws.ReceiveJsonAsync(ct);
            seen.Add(e);
            if ((string?)e["type"] == "status" && (int)e["data"]!["status"]!["exec_info"]!["queue_remaining"]! == 0 &&
                seen.Any(x => (string?)x["type"] == "progress"))
            {
                break;
            }
        }
        var types = Events.Types(seen);
        Assert.Contains("progress", types);
        Assert.Contains("progress_state", types);
        Assert.DoesNotContain("execution_start", types);
        Assert.DoesNotContain("executing", types);
        Assert.DoesNotContain("executed", types);
        Assert.Equal("success", (string?)(await _server.HistoryAsync(id, ct))["status"]!["status_str"]);
    }

    [Fact]
    public async Task A_ten_thousand_node_chain_runs_without_stack_overflow()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var ws = await _server.ConnectAsync("chain", ct);
        await ws.ReceiveJsonAsync(ct);
        var id = await _server.QueueAsync(Prompts.Chain(10_000), "chain", ct);
        var events = await ws.CollectUntilDoneAsync(id, ct);
        Assert.Contains("execution_success", Events.Types(events));
        Assert.Equal(10_002, Events.Ran(events).Count);
    }
}
