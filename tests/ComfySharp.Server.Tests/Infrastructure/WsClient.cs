using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace ComfySharp.Server.Tests.Infrastructure;

/// <summary>A real WebSocket client that reads frames: JSON text as objects, binary as bytes.</summary>
public sealed class WsClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;

    private WsClient(ClientWebSocket socket) => _socket = socket;

    public ClientWebSocket Socket => _socket;

    public static async Task<WsClient> ConnectAsync(Uri uri, CancellationToken ct)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(uri, ct);
        return new WsClient(socket);
    }

    /// <summary>The next frame; null when the server closed the socket.</summary>
    public async Task<Frame?> ReceiveAsync(CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer, ct);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            message.Write(buffer, 0, result.Count);
            if (!result.EndOfMessage) continue;
            var bytes = message.ToArray();
            return result.MessageType == WebSocketMessageType.Text
                ? new Frame((JsonObject)JsonNode.Parse(bytes)!, null)
                : new Frame(null, bytes);
        }
    }

    public async Task<JsonObject> ReceiveJsonAsync(CancellationToken ct)
    {
        while (true)
        {
            var frame = await ReceiveAsync(ct) ?? throw new InvalidOperationException($"The server closed the socket ({_socket.CloseStatus}: {_socket.CloseStatusDescription}).");
            if (frame.Json is not null) return frame.Json;
        }
    }

    /// <summary>Reads JSON events until <c>executing {node: null}</c> for <paramref name="promptId"/>; returns them in order.</summary>
    public async Task<List<JsonObject>> CollectUntilDoneAsync(string promptId, CancellationToken ct)
    {
        var events = new List<JsonObject>();
        while (true)
        {
            var json = await ReceiveJsonAsync(ct);
            events.Add(json);
            if ((string?)json["type"] == "executing" && json["data"]!["node"] is null && (string?)json["data"]!["prompt_id"] == promptId)
            {
                return events;
            }
        }
    }

    public Task SendTextAsync(string text, CancellationToken ct) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, ct);

    public Task SendBinaryAsync(byte[] data, CancellationToken ct) => _socket.SendAsync(data, WebSocketMessageType.Binary, true, ct);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
        }
        _socket.Dispose();
    }
}

public sealed record Frame(JsonObject? Json, byte[]? Binary)
{
    public string? Type => (string?)Json?["type"];
}
