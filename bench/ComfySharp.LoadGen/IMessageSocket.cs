namespace ComfySharp.LoadGen;

/// <summary>A listening WebSocket read by blocking its reader's thread: <see cref="RawWebSocket"/> (ws://) or <see cref="ClientMessageSocket"/> (wss://).</summary>
internal interface IMessageSocket : IDisposable
{
    /// <summary>The next text or binary message; null when the server closed the socket.</summary>
    /// <exception cref="IOException">The connection failed or broke the protocol (the wss:// one may throw WebSocketException).</exception>
    SocketMessage? Receive();

    /// <summary>Starts the close handshake; the server answers and the reader then gets null.</summary>
    void SendClose();
}
