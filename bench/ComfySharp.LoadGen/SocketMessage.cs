namespace ComfySharp.LoadGen;

/// <summary>
/// A WebSocket message as received: its bytes (valid until the socket's next receive) and the <see cref="System.Diagnostics.Stopwatch"/>
/// time taken right after the receive call that brought its last bytes.
/// </summary>
internal readonly record struct SocketMessage(bool IsText, ReadOnlyMemory<byte> Data, long ReceivedAt);
