using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ComfySharp.ClientBench;

/// <summary>
/// The baseline: what a caller writes without the SDK. One WebSocket as <see cref="ClientId"/>, <c>POST /prompt</c> with a chosen
/// prompt id, done at <c>executing {node: null}</c>, then <c>GET /history/{id}</c> parsed, as <c>RunAsync</c> does.
/// No reconnection, no typed events, no error mapping.
/// </summary>
internal sealed class RawClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly HttpClient _http;
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiting = new(StringComparer.Ordinal);
    private Task _reader = Task.CompletedTask;

    private RawClient(HttpClient http) => _http = http;

    public string ClientId { get; } = "raw-" + Guid.NewGuid().ToString("N");

    public static async Task<RawClient> ConnectAsync(HttpClient http, CancellationToken ct)
    {
        var client = new RawClient(http);
        var ws = new UriBuilder(http.BaseAddress!) { Scheme = "ws", Path = "/ws", Query = "clientId=" + client.ClientId };
        await client._socket.ConnectAsync(ws.Uri, ct);
        client._reader = Task.Run(() => client.ReadAsync(ct), ct);
        return client;
    }

    /// <summary>Queues <paramref name="prompt"/>, waits for it, returns its history entry.</summary>
    public async Task<JsonDocument> RunAsync(JsonObject prompt, CancellationToken ct)
    {
        var promptId = Guid.NewGuid().ToString();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[promptId] = done;
        var body = new JsonObject { ["prompt"] = prompt, ["client_id"] = ClientId, ["prompt_id"] = promptId };
        using (var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"))
        using (var response = await _http.PostAsync("prompt", content, ct))
        {
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST /prompt: {await response.Content.ReadAsStringAsync(ct)}");
        }
        await done.Task.WaitAsync(ct);
        await using var history = await _http.GetStreamAsync("history/" + promptId, ct);
        return await JsonDocument.ParseAsync(history, cancellationToken: ct);
    }

    private async Task ReadAsync(CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        while (true)
        {
            buffer.ResetWrittenCount();
            ValueWebSocketReceiveResult result;
            do
            {
                result = await _socket.ReceiveAsync(buffer.GetMemory(16 * 1024), ct);
                if (result.MessageType == WebSocketMessageType.Close) return;
                buffer.Advance(result.Count);
            }
            while (!result.EndOfMessage);
            if (result.MessageType != WebSocketMessageType.Text) continue;
            using var message = JsonDocument.Parse(buffer.WrittenMemory);
            var root = message.RootElement;
            if (root.GetProperty("type").ValueEquals("executing") && root.GetProperty("data") is var data
                && data.GetProperty("node").ValueKind == JsonValueKind.Null && data.TryGetProperty("prompt_id", out var id)
                && _waiting.TryRemove(id.GetString()!, out var waiter))
            {
                waiter.TrySetResult();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
            await _reader;
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
        }
        _socket.Dispose();
    }
}
