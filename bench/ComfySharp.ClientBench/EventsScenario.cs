using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ComfySharp.Client;
using ComfySharp.Client.Events;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ComfySharp.ClientBench;

/// <summary>
/// Events/s from one socket. The server's events for one long chain prompt are recorded once; a local socket then replays them
/// back to back, so the reader, not the server's execution, sets the pace.
/// </summary>
internal static class EventsScenario
{
    private const string Greeting = """{"type": "status", "data": {"status": {"exec_info": {"queue_remaining": 0}}, "sid": "bench"}}""";

    public static async Task RunAsync(Uri url, Args options, CancellationToken ct)
    {
        var frames = await RecordAsync(url, options.Nodes, ct);
        var bytes = frames.Sum(f => (long)f.Length) * options.Repeat;
        var total = (frames.Count * options.Repeat) + 1; // + the greeting
        var kinds = frames.Select(f => JsonNode.Parse(f)!["type"]!.GetValue<string>()).GroupBy(t => t).Select(g => $"{g.Key} {g.Count()}");
        Console.WriteLine($"events: recorded {frames.Count} frames of one {options.Nodes}-node chain ({string.Join(", ", kinds)}), "
            + $"replayed {options.Repeat}x = {total} frames, {bytes / 1e6:0.0} MB per pass, {options.Rounds} rounds (median)");
        await using var replay = await ReplayServer.StartAsync(frames, options.Repeat, ct);

        List<double> receive = [], parse = [], sdk = [];
        for (var round = 0; round < options.Rounds; round++)
        {
            receive.Add(await RawAsync(replay.Url, total, parse: false, ct));
            parse.Add(await RawAsync(replay.Url, total, parse: true, ct));
            sdk.Add(await SdkAsync(replay.Url, total, ct));
        }
        var r = Bench.Median(receive);
        var p = Bench.Median(parse);
        var s = Bench.Median(sdk);
        Console.WriteLine($"  raw socket, receive only:        {r:0} events/s");
        Console.WriteLine($"  raw socket + JsonDocument.Parse: {p:0} events/s");
        Console.WriteLine($"  SDK ReadEventsAsync (typed):     {s:0} events/s, SDK/raw-parse {s / p:0.00}, SDK/receive-only {s / r:0.00}");
    }

    /// <summary>Every frame the server sends this client from POST /prompt up to <c>executing {node: null}</c> of a chain prompt.</summary>
    private static async Task<List<byte[]>> RecordAsync(Uri url, int nodes, CancellationToken ct)
    {
        using var http = Bench.Http(url, 2);
        var clientId = "record-" + Guid.NewGuid().ToString("N");
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new UriBuilder(url) { Scheme = "ws", Path = "/ws", Query = "clientId=" + clientId }.Uri, ct);
        _ = await ReceiveAsync(socket, ct); // the greeting
        var promptId = Guid.NewGuid().ToString();
        var prompt = new JsonObject { ["0"] = Node("PrimitiveString", new JsonObject { ["value"] = "x" }) };
        for (var i = 1; i <= nodes; i++)
        {
            prompt[i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = Node("StringConcatenate", new JsonObject
            {
                ["string_a"] = new JsonArray((i - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), 0),
                ["string_b"] = "y",
                ["delimiter"] = "",
            });
        }
        prompt["out"] = Node("PreviewAny", new JsonObject { ["source"] = new JsonArray(nodes.ToString(System.Globalization.CultureInfo.InvariantCulture), 0) });
        var body = new JsonObject { ["prompt"] = prompt, ["client_id"] = clientId, ["prompt_id"] = promptId };
        using (var response = await http.PostAsync("prompt", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), ct))
        {
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST /prompt: {await response.Content.ReadAsStringAsync(ct)}");
        }
        var frames = new List<byte[]>();
        while (true)
        {
            var frame = await ReceiveAsync(socket, ct) ?? throw new InvalidOperationException("The server closed the socket while recording.");
            frames.Add(frame);
            var json = JsonNode.Parse(frame)!;
            if ((string?)json["type"] == "executing" && json["data"]!["node"] is null && (string?)json["data"]!["prompt_id"] == promptId) break;
        }
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", ct);
        return frames;

        static JsonObject Node(string type, JsonObject inputs) => new() { ["class_type"] = type, ["inputs"] = inputs };
    }

    private static async Task<byte[]?> ReceiveAsync(WebSocket socket, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        ValueWebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer.GetMemory(4096), ct);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            buffer.Advance(result.Count);
        }
        while (!result.EndOfMessage);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads <paramref name="total"/> messages from a raw socket; events/s from the greeting to the last one.</summary>
    private static async Task<double> RawAsync(Uri url, int total, bool parse, CancellationToken ct)
    {
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new UriBuilder(url) { Scheme = "ws", Path = "/ws", Query = "clientId=raw" }.Uri, ct);
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        long started = 0;
        var types = 0;
        for (var n = 0; n < total; n++)
        {
            buffer.ResetWrittenCount();
            ValueWebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer.GetMemory(16 * 1024), ct);
                if (result.MessageType == WebSocketMessageType.Close) throw new InvalidOperationException("The replay closed early.");
                buffer.Advance(result.Count);
            }
            while (!result.EndOfMessage);
            if (n == 0) started = Stopwatch.GetTimestamp();
            if (parse)
            {
                using var document = JsonDocument.Parse(buffer.WrittenMemory);
                if (document.RootElement.GetProperty("type").GetString() is { Length: > 0 }) types++;
            }
        }
        var elapsed = Stopwatch.GetElapsedTime(started);
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", ct);
        return (total - 1) / elapsed.TotalSeconds;
    }

    /// <summary>The same through <see cref="ComfyClient.ReadEventsAsync"/>: typed events, one reader.</summary>
    private static async Task<double> SdkAsync(Uri url, int total, CancellationToken ct)
    {
        await using var client = new ComfyClient(new ComfyClientOptions { BaseAddress = url, EventBufferCapacity = total + 16 });
        long started = 0;
        var n = 0;
        var typed = 0;
        await foreach (var e in client.ReadEventsAsync(ct))
        {
            if (n == 0) started = Stopwatch.GetTimestamp();
            if (e is not UnknownEvent) typed++;
            if (++n == total) break;
        }
        if (typed != total) throw new InvalidOperationException($"Only {typed} of {total} events were typed.");
        return (total - 1) / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    /// <summary>A socket at <c>/ws</c> that greets, then sends the recorded frames <c>repeat</c> times back to back.</summary>
    private sealed class ReplayServer : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private ReplayServer(WebApplication app, Uri url)
        {
            _app = app;
            Url = url;
        }

        public Uri Url { get; }

        public static async Task<ReplayServer> StartAsync(List<byte[]> frames, int repeat, CancellationToken ct)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            app.UseWebSockets();
            var greeting = Encoding.UTF8.GetBytes(Greeting);
            app.Map("/ws", async (HttpContext context) =>
            {
                using var socket = await context.WebSockets.AcceptWebSocketAsync();
                var aborted = context.RequestAborted;
                await socket.SendAsync(greeting, WebSocketMessageType.Text, true, aborted);
                for (var r = 0; r < repeat; r++)
                {
                    foreach (var frame in frames) await socket.SendAsync(frame, WebSocketMessageType.Text, true, aborted);
                }
                // Until the reader closes (the SDK's feature_flags message arrives first and is ignored).
                var sink = new byte[4096];
                while ((await socket.ReceiveAsync(sink, aborted)).MessageType != WebSocketMessageType.Close)
                {
                }
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", aborted);
            });
            await app.StartAsync(ct);
            var address = app.Urls.First();
            return new ReplayServer(app, new Uri(address.TrimEnd('/') + "/"));
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
