using System.Text.Json.Nodes;
using ComfySharp.Client.Events;
using ComfySharp.Client.Tests.Infrastructure;
using ComfySharp.Client.Workflows;
using ComfySharp.Server.Tests.Infrastructure;

namespace ComfySharp.Client.Tests;

/// <summary>Every SDK call against a real ComfySharp server on a loopback port.</summary>
public sealed class SdkCallTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    [Fact]
    public async Task Connect_reads_the_sid_and_the_server_feature_flags()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var client = Servers.Client(Server.BaseAddress, "sdk-connect");
        var events = client.ReadEventsAsync(ct).GetAsyncEnumerator(ct);
        Assert.True(await events.MoveNextAsync());
        Assert.Equal(ConnectionState.Connected, client.State);
        Assert.Equal("sdk-connect", client.Sid);
        // The server answers the client's feature_flags (sent first) with its own flags.
        while (events.Current is not FeatureFlagsEvent) Assert.True(await events.MoveNextAsync());
        Assert.True((bool)((FeatureFlagsEvent)events.Current).Flags["supports_preview_metadata"]!);
        Assert.NotNull(client.ServerFeatureFlags);
        await events.DisposeAsync();
    }

    [Fact]
    public async Task RunAsync_returns_outputs_and_the_prompt_events_in_order()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var client = Servers.Client(Server.BaseAddress, "sdk-run");
        var seen = new List<ComfyEvent>();
        var observer = new Collector(seen);
        var result = await client.RunAsync(Prompts.Progress(4, preview: true), new RunOptions { Observer = observer }, ct);

        Assert.True(result.Succeeded);
        Assert.Equal("success", result.StatusText);
        Assert.Null(result.Error);
        lock (seen)
        {
            Assert.IsType<ExecutionStartEvent>(seen[0]);
            Assert.Equal(4, seen.OfType<ProgressEvent>().Count());
            Assert.Equal([1d, 2, 3, 4], seen.OfType<ProgressEvent>().Select(p => p.Value));
            Assert.All(seen.OfType<ProgressEvent>(), p => Assert.Equal(4, p.Max));
            Assert.Contains(seen, e => e is ProgressStateEvent s && s.Nodes["1"].State == "finished");
            // The client asked for metadata, so previews are type 4 and carry node and prompt.
            var previews = seen.OfType<PreviewImageEvent>().ToList();
            Assert.Equal(4, previews.Count);
            Assert.All(previews, p => Assert.Equal(result.PromptId, p.Metadata!.PromptId));
            Assert.All(previews, p => Assert.Equal(TestNodes.ProgressNode.Png, p.Image.ToArray()));
            Assert.Contains(seen, e => e is ProgressTextEvent { Text: "done", NodeId: "1" });
            Assert.Contains(seen, e => e is ExecutionSuccessEvent s && s.Id == result.PromptId);
            Assert.True(seen[^1] is ExecutingEvent { IsPromptDone: true });
            Assert.All(seen, e => Assert.Equal(result.PromptId, e.PromptId));
        }
        Assert.True(observer.Completed);
    }

    [Fact]
    public async Task Legacy_previews_without_metadata_are_attributed_to_the_running_prompt()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var client = Servers.Client(Server.BaseAddress, "sdk-legacy", new ComfyClientOptions { SupportsPreviewMetadata = false });
        var seen = new List<ComfyEvent>();
        var result = await client.RunAsync(Prompts.Progress(2, preview: true), new RunOptions { Observer = new Collector(seen) }, ct);
        lock (seen)
        {
            var previews = seen.OfType<PreviewImageEvent>().ToList();
            Assert.Equal(2, previews.Count);
            Assert.All(previews, p => Assert.Null(p.Metadata));
            Assert.All(previews, p => Assert.Equal(result.PromptId, p.PromptId));
            Assert.All(previews, p => Assert.Equal(ComfySharp.Protocol.Frames.PreviewImageFormat.Png, p.Format));
        }
    }

    [Fact]
    public async Task RunAsync_returns_output_file_descriptors_from_history()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var client = Servers.Client(Server.BaseAddress, "sdk-files");
        var result = await client.RunAsync(Prompts.Save("files"), cancellationToken: ct);
        var image = Assert.Single(result.Images);
        Assert.Equal("1", image.NodeId);
        Assert.StartsWith("files_", image.File.Filename, StringComparison.Ordinal);
        Assert.Equal("output", image.File.Type);
        Assert.Null(image.Bytes);
        Assert.Equal(image.File, Assert.Single(result.Outputs["1"].Images));
        Assert.True(File.Exists(Path.Combine(Server.Folder, "output", image.File.Filename)));
    }

    [Fact]
    public async Task A_failing_node_throws_ComfyExecutionException_with_the_node_error()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var client = Servers.Client(Server.BaseAddress, "sdk-fail");
        var ex = await Assert.ThrowsAsync<ComfyExecutionException>(() => client.RunAsync(Prompts.Fail("kaput"), cancellationToken: ct));
        Assert.Equal("1", ex.Error!.NodeId);
        Assert.Equal("CsTestFail", ex.Error.NodeType);
        Assert.Contains("kaput", ex.Error.ExceptionMessage, StringComparison.Ordinal);
        Assert.Contains("kaput", ex.Message, StringComparison.Ordinal);
        Assert.False(ex.Result.Succeeded);

        var returned = await client.RunAsync(Prompts.Fail("again"), new RunOptions { ThrowOnFailure = false }, ct);
        Assert.Equal("error", returned.StatusText);
        Assert.Contains("again", returned.Error!.ExceptionMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rejected_prompt_throws_ComfyValidationException_with_error_and_node_errors()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var client = Servers.Client(Server.BaseAddress, "sdk-invalid");
        var workflow = Prompts.Progress(3).Set("1.steps", 1000); // max is 100
        var ex = await Assert.ThrowsAsync<ComfyValidationException>(() => client.QueuePromptAsync(workflow, cancellationToken: ct));
        Assert.Equal("prompt_outputs_failed_validation", ex.Error.Type);
        var node = Assert.Single(ex.NodeErrors);
        Assert.Equal("1", node.NodeId);
        Assert.Equal("CsTestProgress", node.ClassType);
        Assert.Equal("value_bigger_than_max", Assert.Single(node.Errors).Type);
        Assert.Equal("steps", node.Errors[0].InputName);
        Assert.Contains("steps", ex.Message, StringComparison.Ordinal);

        var unknown = Workflow.FromJson(new JsonObject { ["1"] = new JsonObject { ["class_type"] = "NoSuchNode", ["inputs"] = new JsonObject() } });
        var missing = await Assert.ThrowsAsync<ComfyValidationException>(() => client.RunAsync(unknown, cancellationToken: ct));
        Assert.False(string.IsNullOrEmpty(missing.Error.Type));

        var badId = await Assert.ThrowsAsync<ComfyValidationException>(() =>
            client.QueuePromptAsync(Prompts.Progress(1), new QueueOptions { PromptId = "not-a-uuid" }, ct));
        Assert.Equal("invalid_prompt_id", badId.Error.Type);
        Assert.Empty(badId.NodeErrors);
    }

    [Fact]
    public async Task QueuePromptAsync_sends_prompt_id_number_front_and_extra_data()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var client = Servers.Client(Server.BaseAddress, "sdk-queue-fields");
        var gate = "sdk-fields-" + Prompts.NewId();
        var blocker = await client.QueuePromptAsync(Prompts.Gate(gate), cancellationToken: ct);
        await TestNodes.Gates.WaitEnteredAsync(gate, ct);
        try
        {
            var id = Guid.NewGuid().ToString();
            var queued = await client.QueuePromptAsync(Prompts.Progress(1),
                new QueueOptions { PromptId = id, Number = 12345, ExtraData = new JsonObject { ["note"] = "hello" } }, ct);
            Assert.Equal(id, queued.PromptId);
            Assert.Equal(12345, queued.Number);
            Assert.Empty(queued.NodeErrors);
            var front = await client.QueuePromptAsync(Prompts.Progress(2), new QueueOptions { Front = true }, ct);
            Assert.True(front.Number <= 0);

            var queue = await client.GetQueueAsync(ct);
            Assert.Equal(blocker.PromptId, Assert.Single(queue.Running).PromptId);
            var mine = queue.Pending.Where(p => p.PromptId == id || p.PromptId == front.PromptId).ToList();
            Assert.Equal([front.PromptId, id], mine.Select(p => p.PromptId)); // sorted by number
            var item = mine[1];
            Assert.Equal("hello", (string?)item.ExtraData["note"]);
            Assert.Equal("sdk-queue-fields", item.ClientId);
            Assert.Equal(["1"], item.OutputsToExecute);
            Assert.Equal("CsTestProgress", (string?)item.Prompt["1"]!["class_type"]);
            Assert.True(await client.GetQueueRemainingAsync(ct) >= 3);

            await client.DeleteFromQueueAsync([id], ct);
            queue = await client.GetQueueAsync(ct);
            Assert.False(queue.Contains(id));
            Assert.True(queue.Contains(front.PromptId));
            await client.ClearQueueAsync(ct);
            Assert.Empty((await client.GetQueueAsync(ct)).Pending);
        }
        finally
        {
            TestNodes.Gates.Release(gate);
        }
    }

    [Fact]
    public async Task InterruptAsync_stops_the_running_prompt_and_RunAsync_reports_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var client = Servers.Client(Server.BaseAddress, "sdk-interrupt");
        var gate = "sdk-interrupt-" + Prompts.NewId();
        var id = Guid.NewGuid().ToString();
        var run = client.RunAsync(Prompts.Gate(gate), new RunOptions { Queue = new QueueOptions { PromptId = id } }, ct);
        await TestNodes.Gates.WaitEnteredAsync(gate, ct);
        await client.InterruptAsync(id, ct);
        var ex = await Assert.ThrowsAsync<ComfyExecutionException>(() => run);
        Assert.True(ex.Interrupted);
        Assert.Contains("interrupted", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task History_get_list_delete_and_clear()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await Servers.StartAsync();
        await using var client = Servers.Client(server.BaseAddress, "sdk-history");
        var first = await client.RunAsync(Prompts.Progress(1), cancellationToken: ct);
        var second = await client.RunAsync(Prompts.Progress(2), cancellationToken: ct);

        var entry = await client.GetHistoryAsync(first.PromptId, ct);
        Assert.NotNull(entry);
        Assert.True(entry.Completed);
        Assert.Equal(first.PromptId, entry.Prompt!.PromptId);
        Assert.Contains(entry.Messages, m => m.Event == "execution_success");
        Assert.Null(await client.GetHistoryAsync(Guid.NewGuid().ToString(), ct));

        Assert.Equal([first.PromptId, second.PromptId], (await client.GetHistoryAsync(cancellationToken: ct)).Select(e => e.PromptId));
        Assert.Equal([second.PromptId], (await client.GetHistoryAsync(maxItems: 1, cancellationToken: ct)).Select(e => e.PromptId));

        await client.DeleteHistoryAsync([first.PromptId], ct);
        Assert.Null(await client.GetHistoryAsync(first.PromptId, ct));
        await client.ClearHistoryAsync(ct);
        Assert.Empty(await client.GetHistoryAsync(cancellationToken: ct));
    }

    [Fact]
    public async Task Object_info_is_typed()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var client = Servers.Client(Server.BaseAddress, "sdk-info");
        var all = await client.GetObjectInfoAsync(ct);
        var progress = all["CsTestProgress"];
        Assert.True(progress.OutputNode);
        Assert.Equal("testing", progress.Category);
        var steps = progress.Input("steps")!;
        Assert.Equal(InputSection.Required, steps.Section);
        Assert.Equal("INT", steps.Type);
        Assert.Equal(3, (int)steps.Default!);
        Assert.Equal(1, steps.Min);
        Assert.Equal(100, steps.Max);
        Assert.Equal(InputSection.Optional, progress.Input("preview")!.Section);
        Assert.Equal("INT", Assert.Single(progress.Outputs).Type);

        var one = await client.GetObjectInfoAsync("CsTestProgress", ct);
        Assert.Equal(progress.Inputs.Select(i => i.Name), one!.Inputs.Select(i => i.Name));
        Assert.Null(await client.GetObjectInfoAsync("NoSuchNode", ct));
    }

    [Fact]
    public async Task System_stats_features_and_free()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var client = Servers.Client(Server.BaseAddress, "sdk-system");
        var stats = await client.GetSystemStatsAsync(ct);
        Assert.False(string.IsNullOrEmpty(stats.Os));
        Assert.True(stats.RamTotal > 0);
        Assert.NotEmpty(stats.Devices);
        Assert.False(string.IsNullOrEmpty(stats.ComfyUIVersion));
        var features = await client.GetFeaturesAsync(ct);
        Assert.True((bool)features["supports_preview_metadata"]!);
        await client.FreeMemoryAsync(cancellationToken: ct);
    }

    [Fact]
    public async Task Unreachable_server_and_http_errors_are_ComfyExceptions()
    {
        var ct = TestContext.Current.CancellationToken;
        // A port nobody listens on: the proxy's, once disposed.
        var proxy = new TcpProxy(Server.BaseAddress);
        var dead = proxy.BaseAddress;
        await proxy.DisposeAsync();
        await using var client = Servers.Client(dead, "sdk-dead");
        var http = await Assert.ThrowsAsync<ComfyConnectionException>(() => client.GetQueueAsync(ct));
        Assert.Contains(dead.Authority, http.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ComfyConnectionException>(() => client.ConnectAsync(ct));

        await using var live = Servers.Client(Server.BaseAddress, "sdk-404");
        var notFound = await Assert.ThrowsAsync<ComfyHttpException>(() => live.ViewAsync(new OutputFile("nope.png"), ct));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, notFound.StatusCode);
    }

    [Fact]
    public async Task Events_from_several_readers_and_unknown_types_pass_through()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var client = Servers.Client(Server.BaseAddress, "sdk-readers");
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var a = Collect(client.ReadEventsAsync(cts.Token));
        var b = Collect(client.ReadEventsAsync(cts.Token));
        var result = await client.RunAsync(Prompts.Progress(2), cancellationToken: ct);
        await cts.CancelAsync();
        var first = await a;
        var second = await b;
        Assert.Contains(first, e => e is ExecutingEvent { IsPromptDone: true } d && d.Id == result.PromptId);
        Assert.Contains(second, e => e is ExecutingEvent { IsPromptDone: true } d && d.Id == result.PromptId);
        Assert.Contains(first, e => e is StatusEvent);
    }

    [Fact]
    public async Task Unknown_event_types_from_a_socket_pass_through_after_feature_flags_went_first()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var scripted = await ScriptedSocketServer.StartAsync(
        [
            """{"type": "status", "data": {"status": {"exec_info": {"queue_remaining": 0}}, "sid": "scripted"}}""",
            """{"type": "crystools.monitor", "data": {"cpu_utilization": 12.5, "gpus": []}}""",
            """{"type": "executing", "data": {"node": null, "prompt_id": "p1"}}""",
        ], ct);
        await using var client = Servers.Client(scripted.BaseAddress, "sdk-unknown");
        var events = new List<ComfyEvent>();
        await foreach (var e in client.ReadEventsAsync(ct))
        {
            events.Add(e);
            if (e is ExecutingEvent { IsPromptDone: true }) break;
        }
        var first = JsonNode.Parse(await scripted.FirstMessage)!;
        Assert.Equal("feature_flags", (string?)first["type"]);
        Assert.True((bool)first["data"]!["supports_preview_metadata"]!);
        Assert.Equal("scripted", client.Sid);
        var unknown = Assert.IsType<UnknownEvent>(events[1]);
        Assert.Equal("crystools.monitor", unknown.Type);
        Assert.Equal(12.5, (double)unknown.Data!["cpu_utilization"]!);
    }

    [Fact]
    public async Task WatchPrompt_streams_one_prompts_events_and_ends_when_it_is_done()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var client = Servers.Client(Server.BaseAddress, "sdk-watch");
        await client.ConnectAsync(ct);
        var id = Guid.NewGuid().ToString();
        using var events = client.WatchPrompt(id);
        var other = client.RunAsync(Prompts.Progress(1), cancellationToken: ct);
        await client.QueuePromptAsync(Prompts.Progress(3), new QueueOptions { PromptId = id }, ct);
        var list = new List<ComfyEvent>();
        await foreach (var e in events.WithCancellation(ct)) list.Add(e);
        await other;
        Assert.All(list, e => Assert.Equal(id, e.PromptId));
        Assert.IsType<ExecutionStartEvent>(list[0]);
        Assert.Equal(3, list.OfType<ProgressEvent>().Last().Value); // the server may merge progress updates, never the last
        Assert.True(list[^1] is ExecutingEvent { IsPromptDone: true });
        Assert.Throws<InvalidOperationException>(() => events.GetAsyncEnumerator(ct));
    }

    private static async Task<List<ComfyEvent>> Collect(IAsyncEnumerable<ComfyEvent> events)
    {
        var list = new List<ComfyEvent>();
        try
        {
            await foreach (var e in events)
            {
                list.Add(e);
                if (e is ExecutingEvent { IsPromptDone: true }) break;
            }
        }
        catch (OperationCanceledException)
        {
        }
        return list;
    }

    private sealed class Collector(List<ComfyEvent> events) : IObserver<ComfyEvent>
    {
        public bool Completed { get; private set; }

        public void OnCompleted() => Completed = true;

        public void OnError(Exception error)
        {
        }

        public void OnNext(ComfyEvent value)
        {
            lock (events) events.Add(value);
        }
    }
}
