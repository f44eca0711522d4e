using System.Net.WebSockets;

namespace ComfySharp.LoadGen;

/// <summary>Reads whole WebSocket messages into one growing buffer; a message past 64 MiB is drained and returned empty.</summary>
internal sealed class MessageReader(WebSocket socket, int initialSize = 16 * 1024)
{
    private const int MaxMessage = 64 << 20; // bytes

    private byte[] _buffer = new byte[initialSize];

    /// <summary>The next message; its data is valid until the next call. A Close message ends the reader's use.</summary>
    public async ValueTask<(WebSocketMessageType Type, ReadOnlyMemory<byte> Data)> ReceiveAsync(CancellationToken ct)
    {
        var length = 0;
        var oversized = false;
        while (true)
        {
            if (length == _buffer.Length)
            {
                if (_buffer.Length < MaxMessage) Array.Resize(ref _buffer, _buffer.Length * 2);
                else
                {
                    oversized = true;
                    length = 0;
                }
            }
            var result = await socket.ReceiveAsync(_buffer.AsMemory(length), ct);
            length += result.Count;
            if (result.EndOfMessage || result.MessageType == WebSocketMessageType.Close)
            {
                return (result.MessageType, oversized ? ReadOnlyMemory<byte>.Empty : _buffer.AsMemory(0, length));
            }
        }
    }
}
