using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace ComfySharp.Interop.Tests;

/// <summary>A ComfyUI WebSocket client (<c>/ws?clientId=…</c>) that reads JSON events until one matches.</summary>
internal sealed class EventSocket : IDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly byte[] _buffer = new byte[1 << 16];

    private EventSocket()
    {
    }

    /// <summary>Every JSON event read so far, in order (for failure messages and order checks).</summary>
    public List<JsonObject> Seen { get; } = [];

    public static async Task<EventSocket> ConnectAsync(Uri baseAddress, string clientId, CancellationToken ct)
    {
        var socket = new EventSocket();
        try
        {
            var uri = new UriBuilder(baseAddress) { Scheme = "ws", Path = "/ws", Query = "clientId=" + Uri.EscapeDataString(clientId) }.Uri;
            await socket._socket.ConnectAsync(uri, ct);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary><c>executing</c> for <paramref name="node"/> (null: the end) of the prompt.</summary>
    public static bool IsExecuting(JsonObject e, string promptId, string? node) =>
        (string?)e["type"] == "executing" && (string?)e["data"]!["prompt_id"] == promptId && (string?)e["data"]!["node"] == node;

    /// <summary>Reads events until one matches and returns it.</summary>
    public async Task<JsonObject> WaitForAsync(Func<JsonObject, bool> match, CancellationToken ct)
    {
        while (true)
        {
            var e = await ReceiveAsync(ct);
            if (e is not null && match(e)) return e;
        }
    }

    /// <summary>The next JSON event; null for a binary frame.</summary>
    private async Task<JsonObject?> ReceiveAsync(CancellationToken ct)
    {
        using var message = new MemoryStream();
        ValueWebSocketReceiveResult result;
        do
        {
            result = await _socket.ReceiveAsync(_buffer.AsMemory(), ct);
            message.Write(_buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);
        if (result.MessageType == WebSocketMessageType.Close)
        {
            throw new InvalidOperationException("The server closed the socket; events so far: " + string.Join(", ", Seen.Select(e => e.ToJsonString())));
        }
        if (result.MessageType != WebSocketMessageType.Text) return null;
        var json = JsonNode.Parse(Encoding.UTF8.GetString(message.ToArray()))!.AsObject();
        Seen.Add(json);
        return json;
    }

    public void Dispose() => _socket.Dispose();
}
