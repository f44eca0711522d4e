using System.Net.WebSockets;
using System.Text.Json.Nodes;
using ComfySharp.Server.Tests.Infrastructure;

namespace ComfySharp.Server.Tests;

public sealed class WebSocketTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await TestServer.StartAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task First_frame_is_status_with_the_requested_sid()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var ws = await _server.ConnectAsync("status-sid", ct);
        var frame = await ws.ReceiveJsonAsync(ct);
        Assert.Equal("status", (string?)frame["type"]);
        Assert.Equal("status-sid", (string?)frame["data"]!["sid"]);
        Assert.Equal(0, (int)frame["data"]!["status"]!["exec_info"]!["queue_remaining"]!);
    }

    [Fact]
    public async Task Without_client_id_the_sid_is_32_lowercase_hex()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var ws = await _server.ConnectAsync(null, ct);
        var sid = (string)(await ws.ReceiveJsonAsync(ct))["data"]!["sid"]!;
        Assert.Matches("^[0-9a-f]{32}$", sid);
    }

    [Fact]
    public async Task Api_prefixed_socket_works_too()
    {
        var ct = TestContext.Current.CancellationToken;
        var uri = new UriBuilder(_server.BaseAddress) { Scheme = "ws", Path = "/api/ws", Query = "clientId=api-ws" }.Uri;
        await using var ws = await WsClient.ConnectAsync(uri, ct);
        Assert.Equal("api-ws", (string?)(await ws.ReceiveJsonAsync(ct))["data"]!["sid"]);
    }

    [Fact]
    public async Task First_feature_flags_message_gets_the_server_flags_and_later_ones_are_ignored()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var ws = await _server.ConnectAsync("flags", ct);
        await ws.ReceiveJsonAsync(ct);
        await ws.SendTextAsync("""{"type": "feature_flags", "data": {"supports_preview_metadata": true}}""", ct);
        var reply = await ws.ReceiveJsonAsync(ct);
        Assert.Equal("feature_flags", (string?)reply["type"]);
        Assert.True((bool)reply["data"]!["supports_preview_metadata"]!);
        Assert.Equal(104857600.0, (double)reply["data"]!["max_upload_size"]!);

        await ws.SendTextAsync("""{"type": "feature_flags", "data": {}}""", ct);
        var id = await _server.QueueAsync(Prompts.Trivial("flags"), "flags", ct);
        var events = await ws.CollectUntilDoneAsync(id, ct);
        Assert.DoesNotContain("feature_flags", Events.Types(events));
    }

    [Fact]
    public async Task Garbage_frames_are_ignored_and_the_socket_keeps_working()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var ws = await _server.ConnectAsync("garbage", ct);
        await ws.ReceiveJsonAsync(ct);
        await ws.SendTextAsync("{not json", ct);
        await ws.SendBinaryAsync([0, 1, 2, 3, 255], ct);
        await ws.SendTextAsync("[1, 2, 3]", ct);
        await ws.SendTextAsync(new string('x', 100_000), ct);
        var id = await _server.QueueAsync(Prompts.Trivial("garbage"), "garbage", ct);
        var events = await ws.CollectUntilDoneAsync(id, ct);
        Assert.Contains("execution_success", Events.Types(events));
        Assert.Equal(WebSocketState.Open, ws.Socket.State);
    }

    [Fact]
    public async Task Reconnecting_with_the_same_client_id_closes_the_old_socket_and_the_new_one_gets_every_event()
    {
        var ct = TestContext.Current.CancellationToken;
        var old = await _server.ConnectAsync("same-id", ct);
        await old.ReceiveJsonAsync(ct);
        await using var fresh = await _server.ConnectAsync("same-id", ct);
        await fresh.ReceiveJsonAsync(ct);

        // The old socket receives a close frame (ComfyUI leaves it open).
        while (await old.ReceiveAsync(ct) is not null)
        {
        }
        Assert.Equal(WebSocketState.CloseReceived, old.Socket.State);
        await old.DisposeAsync();

        // ComfyUI's cleanup of the old socket would unregister the new one; ours must still get targeted events.
        var id = await _server.QueueAsync(Prompts.Trivial("reconnect"), "same-id", ct);
        var events = await fresh.CollectUntilDoneAsync(id, ct);
        Assert.Contains("execution_start", Events.Types(events));
        Assert.Contains("execution_success", Events.Types(events));
    }

    [Fact]
    public async Task Reconnecting_client_of_the_running_prompt_gets_the_executing_node()
    {
        var ct = TestContext.Current.CancellationToken;
        var gate = "reconnect-gate-" + Guid.NewGuid().ToString("N");
        await using (var first = await _server.ConnectAsync("running-client", ct))
        {
            await first.ReceiveJsonAsync(ct);
            await _server.QueueAsync(Prompts.Gate(gate, "77"), "running-client", ct);
            await TestNodes.Gates.WaitEnteredAsync(gate, ct);
        }
        await using var second = await _server.ConnectAsync("running-client", ct);
        var status = await second.ReceiveJsonAsync(ct);
        Assert.Equal("status", (string?)status["type"]);
        var executing = await second.ReceiveJsonAsync(ct);
        Assert.Equal("executing", (string?)executing["type"]);
        Assert.Equal("77", (string?)executing["data"]!["node"]);
        TestNodes.Gates.Release(gate);
    }

    [Fact]
    public async Task Progress_with_previews_sends_type_1_to_legacy_clients_and_type_4_to_clients_that_asked()
    {
        var ct = TestContext.Current.CancellationToken;
        var prompt = new JsonObject
        {
            ["p"] = new JsonObject { ["class_type"] = "CsTestProgress", ["inputs"] = new JsonObject { ["steps"] = 2, ["preview"] = true } },
        };

        await using var legacy = await _server.ConnectAsync("legacy-preview", ct);
        await legacy.ReceiveJsonAsync(ct);
        var id = await _server.QueueAsync(prompt, "legacy-preview", ct);
        var binaries = await CollectBinaryAsync(legacy, id, ct);
        var previews = binaries.Where(b => b[3] == 1).ToList();
        Assert.Equal(2, previews.Count);
        Assert.Equal([0, 0, 0, 1, 0, 0, 0, 2], previews[0][..8]);
        Assert.Equal(TestNodes.ProgressNode.Png, previews[0][8..]);
        Assert.Contains(binaries, b => b[3] == 3);

        await using var modern = await _server.ConnectAsync("modern-preview", ct);
        await modern.ReceiveJsonAsync(ct);
        await modern.SendTextAsync("""{"type": "feature_flags", "data": {"supports_preview_metadata": true}}""", ct);
        Assert.Equal("feature_flags", (string?)(await modern.ReceiveJsonAsync(ct))["type"]);
        // A different node id: the same prompt again would be served from the cache without any progress.
        prompt = new JsonObject
        {
            ["q"] = new JsonObject { ["class_type"] = "CsTestProgress", ["inputs"] = new JsonObject { ["steps"] = 2, ["preview"] = true } },
        };
        id = await _server.QueueAsync(prompt, "modern-preview", ct);
        binaries = await CollectBinaryAsync(modern, id, ct);
        Assert.DoesNotContain(binaries, b => b[3] == 1);
        var withMetadata = binaries.Where(b => b[3] == 4).ToList();
        Assert.Equal(2, withMetadata.Count);
        var length = (withMetadata[0][4] << 24) | (withMetadata[0][5] << 16) | (withMetadata[0][6] << 8) | withMetadata[0][7];
        var metadata = JsonNode.Parse(withMetadata[0].AsSpan(8, length))!;
        Assert.Equal("q", (string?)metadata["node_id"]);
        Assert.Equal(id, (string?)metadata["prompt_id"]);
        Assert.Equal("image/png", (string?)metadata["image_type"]);
        Assert.Equal(TestNodes.ProgressNode.Png, withMetadata[0][(8 + length)..]);
    }

    private static async Task<List<byte[]>> CollectBinaryAsync(WsClient ws, string promptId, CancellationToken ct)
    {
        var binaries = new List<byte[]>();
        while (true)
        {
            var frame = await ws.ReceiveAsync(ct) ?? throw new InvalidOperationException("closed");
            if (frame.Binary is not null) binaries.Add(frame.Binary);
            if (frame.Type == "executing" && frame.Json!["data"]!["node"] is null && (string?)frame.Json["data"]!["prompt_id"] == promptId)
            {
                return binaries;
            }
        }
    }
}
