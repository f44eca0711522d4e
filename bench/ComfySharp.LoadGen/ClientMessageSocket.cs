using System.Diagnostics;
using System.Net.WebSockets;

namespace ComfySharp.LoadGen;

/// <summary>
/// The listening socket for wss:// URLs: a <see cref="ClientWebSocket"/> (which does TLS), its async receives waited for
/// on the reader's thread. Servers on this machine speak ws://, which <see cref="RawWebSocket"/> reads far more cheaply; this
/// is the fallback that keeps https URLs working.
/// </summary>
internal sealed class ClientMessageSocket : IMessageSocket
{
    private readonly ClientWebSocket _socket = new();
    private readonly MessageReader _reader;
    private readonly CancellationToken _ct;

    private ClientMessageSocket(CancellationToken ct)
    {
        _reader = new MessageReader(_socket);
        _ct = ct;
    }

    public static ClientMessageSocket Connect(Uri url, string clientId, CancellationToken ct)
    {
        var socket = new ClientMessageSocket(ct);
        try
        {
            socket._socket.Options.Proxy = null; // the targets are loopback servers; an environment proxy must not sit in between
            socket._socket.Options.KeepAliveInterval = TimeSpan.Zero;
            socket._socket.ConnectAsync(ComfyConnection.SocketUrl(url, clientId), ct).GetAwaiter().GetResult();
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public SocketMessage? Receive()
    {
        var (type, data) = _reader.ReceiveAsync(_ct).AsTask().GetAwaiter().GetResult();
        var receivedAt = Stopwatch.GetTimestamp();
        return type == WebSocketMessageType.Close ? null : new SocketMessage(type == WebSocketMessageType.Text, data, receivedAt);
    }

    public void SendClose()
    {
        if (_socket.State != WebSocketState.Open) return;
        try
        {
            using var closing = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", closing.Token).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection is gone or slow; disposing it ends it either way.
        }
    }

    public void Dispose() => _socket.Dispose();
}
