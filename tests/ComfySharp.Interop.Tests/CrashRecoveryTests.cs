using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace ComfySharp.Interop.Tests;

/// <summary>
/// An accepted prompt survives <c>kill -9</c>: pending prompts run after a restart, history stays, the prompt that was
/// running runs once more, and a prompt that was running at two crashes goes to history as an error saying why.
/// </summary>
public sealed class CrashRecoveryTests : IDisposable
{
    private readonly string _folder = RepoPaths.NewTempFolder();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

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
        var ct = TestContext.Current.CancellationToken;
        string earlier, a, b, c;
        await using (var first = await ServerProcess.StartAsync(_folder, ct))
        {
            using var ws = await ConnectAsync(first, "crash-client", ct);
            earlier = await first.QueueAsync(Trivial("before the crash"), "crash-client", ct);
            await WaitForDoneAsync(ws, earlier, ct);
            a = await first.QueueAsync(Sleep("long", 600), "crash-client", ct);
            b = await first.QueueAsync(Trivial("b"), "crash-client", ct);
            c = await first.QueueAsync(Trivial("c"), "crash-client", ct);
            await WaitForExecutingAsync(ws, a, "sleep", ct);
            await first.KillAsync();
        }

        await using (var second = await ServerProcess.StartAsync(_folder, ct))
        {
            // The prompt that was running runs again; the others wait behind it; history is intact.
            await ServerProcess.WaitUntilAsync(async () => RunningId(await second.GetAsync("queue", ct)) == a, ct);
            var queue = await second.GetAsync("queue", ct);
            Assert.Equal(new[] { b, c }.Order(), queue["queue_pending"]!.AsArray().Select(i => (string)i![1]!).Order());
            Assert.Equal("success", (string?)(await second.GetAsync($"history/{earlier}", ct))[earlier]!["status"]!["status_str"]);
            await second.KillAsync();
        }

        await using var third = await ServerProcess.StartAsync(_folder, ct);
        await ServerProcess.WaitUntilAsync(async () => (await third.GetAsync($"history/{c}", ct)).Count > 0, ct);
        var history = await third.GetAsync("history", ct);
        var entryA = history[a]!;
        Assert.Equal("error", (string?)entryA["status"]!["status_str"]);
        var message = (string?)entryA["status"]!["messages"]![0]![1]!["exception_message"];
        Assert.Contains("stopped while running this prompt 2 times", message);
        Assert.Equal("success", (string?)history[b]!["status"]!["status_str"]);
        Assert.Equal("success", (string?)history[c]!["status"]!["status_str"]);
        Assert.Equal("success", (string?)history[earlier]!["status"]!["status_str"]);
        Assert.Equal(0, (int)(await third.GetAsync("prompt", ct))["exec_info"]!["queue_remaining"]!);
    }

    [Fact]
    public async Task Sigterm_interrupts_the_running_prompt_and_exits_cleanly()
    {
        var ct = TestContext.Current.CancellationToken;
        string id;
        await using (var server = await ServerProcess.StartAsync(_folder, ct))
        {
            using var ws = await ConnectAsync(server, "term-client", ct);
            id = await server.QueueAsync(Sleep("terminated", 600), "term-client", ct);
            await WaitForExecutingAsync(ws, id, "sleep", ct);
            await server.TerminateAsync(ct);
            Assert.Equal(0, server.ExitCode);
        }
        await using var restarted = await ServerProcess.StartAsync(_folder, ct);
        var entry = (await restarted.GetAsync($"history/{id}", ct))[id]!;
        Assert.Equal("error", (string?)entry["status"]!["status_str"]);
        Assert.Equal("execution_interrupted", (string?)entry["status"]!["messages"]!.AsArray().Last()![0]);
        Assert.Equal(0, (int)(await restarted.GetAsync("prompt", ct))["exec_info"]!["queue_remaining"]!);
    }

    private static string? RunningId(JsonObject queue) =>
        queue["queue_running"]!.AsArray() is { Count: > 0 } running ? (string?)running[0]![1] : null;

    private static async Task<ClientWebSocket> ConnectAsync(ServerProcess server, string clientId, CancellationToken ct)
    {
        var ws = new ClientWebSocket();
        await ws.ConnectAsync(new UriBuilder(server.BaseAddress) { Scheme = "ws", Path = "/ws", Query = "clientId=" + clientId }.Uri, ct);
        return ws;
    }

    private static Task WaitForDoneAsync(ClientWebSocket ws, string promptId, CancellationToken ct) => WaitForExecutingAsync(ws, promptId, null, ct);

    /// <summary>Reads events until <c>executing</c> for <paramref name="node"/> (null: the end) of the prompt.</summary>
    private static async Task WaitForExecutingAsync(ClientWebSocket ws, string promptId, string? node, CancellationToken ct)
    {
        var buffer = new byte[1 << 16];
        while (true)
        {
            using var message = new MemoryStream();
            ValueWebSocketReceiveResult result;
            do
            {
                result = await ws.ReceiveAsync(buffer.AsMemory(), ct);
                message.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);
            if (result.MessageType == WebSocketMessageType.Close) throw new InvalidOperationException("socket closed");
            if (result.MessageType != WebSocketMessageType.Text) continue;
            var json = JsonNode.Parse(Encoding.UTF8.GetString(message.ToArray()))!;
            if ((string?)json["type"] != "executing" || (string?)json["data"]!["prompt_id"] != promptId) continue;
            if ((string?)json["data"]!["node"] == node) return;
        }
    }
}
