using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace ComfySharp.LoadGen;

/// <summary>
/// A client WebSocket (RFC 6455) over a plain socket, handshake and frames written and parsed by hand. The generator shares
/// the machine with the server it measures, and ClientWebSocket's receive path (its locks, state checks, a copy out of its
/// own buffer per message, and a hand-off from the runtime's epoll thread to a pool thread per receive) was a large share
/// of the generator's CPU.
/// </summary>
/// <remarks>
/// <para>
/// Three ways to read it, one per socket: <see cref="Receive"/> blocks its caller's thread (the socket is connected with
/// <see cref="Connect"/> and never used asynchronously, see <see cref="BlockingSockets"/>); <see cref="ReceiveAsync"/> for
/// sockets connected with <see cref="ConnectAsync"/>; or an event loop of the caller's own receives into
/// <see cref="ReceiveRoom"/>, announced with <see cref="Received"/>, then <see cref="TryNextMessage"/> until it is false.
/// Frames are parsed in place in one buffer, which every receive fills as far as it can.
/// </para>
/// <para>
/// It speaks what any server may send: frames of any length form, fragmented messages, pings (answered) and the close
/// handshake. It asks for no extension, so frames are never compressed. ws:// only.
/// </para>
/// </remarks>
internal sealed class RawWebSocket : IMessageSocket
{
    private const int MaxMessage = 64 << 20; // bytes; a longer message fails the socket
    private const int MaxHead = 64 << 10; // bytes of the handshake answer

    private readonly Socket _socket;
    private readonly Lock _sendLock = new();
    private byte[] _buffer; // received bytes; [_start, _end) not consumed yet
    private int _start;
    private int _end;
    private long _receivedAt; // Stopwatch time taken right after the receive that brought the newest bytes
    private byte[] _message = []; // a fragmented message gathered so far
    private int _messageLength;
    private bool _fragmented; // inside a message whose last frame has not come yet
    private bool _messageIsText;
    private bool _closeSent;

    private RawWebSocket(Socket socket, int bufferSize)
    {
        _socket = socket;
        _buffer = new byte[bufferSize];
    }

    public Socket Socket => _socket;

    /// <summary>The server's close frame arrived (and was answered); no message follows.</summary>
    public bool IsClosed { get; private set; }

    /// <summary>Connects to <c>{url}ws?clientId=…</c> on a blocking socket and completes the opening handshake.</summary>
    /// <param name="bufferSize">Bytes one receive may bring: large for a socket that gets every event of many prompts.</param>
    /// <exception cref="IOException">No connection, no handshake within 10 s, or the server refused the WebSocket.</exception>
    public static RawWebSocket Connect(Uri url, string clientId, int bufferSize, CancellationToken ct)
    {
        var socket = BlockingSockets.Connect(BlockingSockets.EndPointOf(url), url.Authority, ct);
        var ws = new RawWebSocket(socket, bufferSize);
        try
        {
            var (key, request) = Handshake(url, clientId);
            BlockingSockets.Bounded(socket, () =>
            {
                for (var sent = 0; sent < request.Length;) sent += socket.Send(request.AsSpan(sent));
                int headEnd;
                while ((headEnd = ws.HandshakeEnd()) < 0) ws.Fill();
                ws.CheckHandshake(headEnd, key);
            }, $"No WebSocket handshake with {url.Authority} within {BlockingSockets.ConnectTimeout.TotalSeconds:0} s.", ct);
            return ws;
        }
        catch (SocketException ex)
        {
            ws.Dispose();
            throw new IOException($"{ex.Message} ({url.Authority})", ex);
        }
        catch
        {
            ws.Dispose();
            throw;
        }
    }

    /// <summary>Connects to <c>{url}ws?clientId=…</c> asynchronously and completes the opening handshake.</summary>
    public static async Task<RawWebSocket> ConnectAsync(Uri url, string clientId, int bufferSize, CancellationToken ct)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var ws = new RawWebSocket(socket, bufferSize);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(BlockingSockets.ConnectTimeout);
            await socket.ConnectAsync(BlockingSockets.EndPointOf(url), timeout.Token);
            var (key, request) = Handshake(url, clientId);
            await socket.SendAsync(request, SocketFlags.None, timeout.Token);
            int headEnd;
            while ((headEnd = ws.HandshakeEnd()) < 0) await ws.FillAsync(timeout.Token);
            ws.CheckHandshake(headEnd, key);
            return ws;
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            ws.Dispose();
            throw new IOException($"No WebSocket handshake with {url.Authority} within {BlockingSockets.ConnectTimeout.TotalSeconds:0} s.", ex);
        }
        catch
        {
            ws.Dispose();
            throw;
        }
    }

    /// <summary>Blocks for the next text or binary message; null when the server closed the socket (its close frame is answered).</summary>
    /// <exception cref="IOException">The connection ended without a close frame, or a frame broke the protocol.</exception>
    /// <exception cref="SocketException">Receiving failed.</exception>
    public SocketMessage? Receive()
    {
        while (true)
        {
            if (TryNextMessage(out var message)) return message;
            if (IsClosed) return null;
            Fill();
        }
    }

    /// <summary>As <see cref="Receive"/>, for a socket connected with <see cref="ConnectAsync"/>.</summary>
    public async ValueTask<SocketMessage?> ReceiveAsync(CancellationToken ct)
    {
        while (true)
        {
            if (TryNextMessage(out var message)) return message;
            if (IsClosed) return null;
            await FillAsync(ct);
        }
    }

    /// <summary>The free space after the buffered bytes, for an event loop's own receive; made at least a quarter of the buffer.</summary>
    public Span<byte> ReceiveRoom()
    {
        if (_start == _end) _start = _end = 0;
        else if (_buffer.Length - _end < _buffer.Length / 4) MakeRoom(_end - _start + _buffer.Length / 4);
        return _buffer.AsSpan(_end);
    }

    /// <summary>An event loop's receive put <paramref name="count"/> bytes into <see cref="ReceiveRoom"/> at <paramref name="receivedAt"/>.</summary>
    public void Received(int count, long receivedAt)
    {
        _end += count;
        _receivedAt = receivedAt;
    }

    /// <summary>
    /// The next whole text or binary message in the buffer, valid until the next call; false when more bytes are needed or
    /// the close frame came (<see cref="IsClosed"/>). Pings are answered and pongs skipped on the way.
    /// </summary>
    /// <exception cref="IOException">A frame broke the protocol.</exception>
    public bool TryNextMessage(out SocketMessage message)
    {
        message = default;
        while (!IsClosed && TryReadFrame(out var fin, out var opcode, out var payload))
        {
            switch (opcode)
            {
                case 0x1 or 0x2:
                    if (_fragmented) throw new IOException("A new message started inside a fragmented one.");
                    if (fin)
                    {
                        message = new SocketMessage(opcode == 0x1, payload, _receivedAt);
                        return true;
                    }
                    _fragmented = true;
                    _messageIsText = opcode == 0x1;
                    _messageLength = 0;
                    Gather(payload.Span);
                    break;
                case 0x0:
                    if (!_fragmented) throw new IOException("A continuation frame outside a message.");
                    Gather(payload.Span);
                    if (fin)
                    {
                        _fragmented = false;
                        message = new SocketMessage(_messageIsText, _message.AsMemory(0, _messageLength), _receivedAt);
                        return true;
                    }
                    break;
                case 0x8:
                    // Echo the status code, as the close handshake asks.
                    Send(0x8, payload.Length >= 2 ? payload.Span[..2] : []);
                    IsClosed = true;
                    break;
                case 0x9:
                    Send(0xA, payload.Span);
                    break;
                case 0xA:
                    break;
                default:
                    throw new IOException($"Unknown WebSocket opcode {opcode}.");
            }
        }
        return false;
    }

    /// <summary>Sends a close frame (once); the server answers it and ends the connection.</summary>
    public void SendClose()
    {
        Span<byte> normal = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(normal, 1000);
        Send(0x8, normal);
    }

    public void Dispose() => _socket.Dispose();

    private static (string Key, byte[] Request) Handshake(Uri url, string clientId)
    {
        if (url.Scheme != "http") throw new UsageException("A raw WebSocket needs an http:// URL.");
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var target = ComfyConnection.SocketUrl(url, clientId).PathAndQuery;
        var request = Encoding.ASCII.GetBytes(
            $"GET {target} HTTP/1.1\r\nHost: {url.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n");
        return (key, request);
    }

    /// <summary>Where the handshake answer's empty line starts; -1 if it has not all come.</summary>
    private int HandshakeEnd()
    {
        var end = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8);
        if (end < 0 && _end - _start >= MaxHead) throw new IOException("The WebSocket handshake answer has no end.");
        return end;
    }

    private void CheckHandshake(int headEnd, string key)
    {
        var head = Encoding.ASCII.GetString(_buffer, _start, headEnd);
        _start += headEnd + 4; // what follows (the greeting may) is the first frame
        var lines = head.Split("\r\n");
        if (!lines[0].StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
        {
            throw new IOException($"The server refused the WebSocket: {lines[0]}");
        }
#pragma warning disable CA5350 // RFC 6455 §4.2.2 fixes SHA-1 for the accept value; it protects nothing
        var expected = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
#pragma warning restore CA5350
        foreach (var line in lines)
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line.AsSpan(0, colon).Trim().Equals("Sec-WebSocket-Accept", StringComparison.OrdinalIgnoreCase))
            {
                if (line.AsSpan(colon + 1).Trim().SequenceEqual(expected)) return;
                break;
            }
        }
        throw new IOException("The server's WebSocket handshake answer does not match the key.");
    }

    /// <summary>A whole frame from the buffer, payload unmasked (servers should not mask, but may); false if it is not all here.</summary>
    private bool TryReadFrame(out bool fin, out int opcode, out Memory<byte> payload)
    {
        fin = false;
        opcode = 0;
        payload = default;
        var available = _buffer.AsSpan(_start, _end - _start);
        if (available.Length < 2) return false;
        fin = (available[0] & 0x80) != 0;
        opcode = available[0] & 0x0F;
        var masked = (available[1] & 0x80) != 0;
        long length = available[1] & 0x7F;
        var header = 2;
        if (length == 126)
        {
            if (available.Length < 4) return false;
            length = BinaryPrimitives.ReadUInt16BigEndian(available[2..]);
            header = 4;
        }
        else if (length == 127)
        {
            if (available.Length < 10) return false;
            length = (long)BinaryPrimitives.ReadUInt64BigEndian(available[2..]);
            header = 10;
        }
        if (length > MaxMessage) throw new IOException($"A WebSocket frame of {length} bytes.");
        if (masked) header += 4;
        var total = header + (int)length;
        if (available.Length < total)
        {
            if (total > _buffer.Length - _start) MakeRoom(total);
            return false;
        }
        payload = _buffer.AsMemory(_start + header, (int)length);
        if (masked)
        {
            var mask = available.Slice(header - 4, 4);
            var bytes = payload.Span;
            for (var i = 0; i < bytes.Length; i++) bytes[i] ^= mask[i & 3];
        }
        _start += total;
        return true;
    }

    /// <summary>Moves the unread bytes to the front, and grows the buffer if <paramref name="needed"/> bytes from the first unread one still do not fit.</summary>
    private void MakeRoom(int needed)
    {
        var unread = _end - _start;
        if (needed > _buffer.Length)
        {
            var bigger = new byte[Math.Max(needed, _buffer.Length * 2)];
            _buffer.AsSpan(_start, unread).CopyTo(bigger);
            _buffer = bigger;
        }
        else
        {
            _buffer.AsSpan(_start, unread).CopyTo(_buffer);
        }
        _start = 0;
        _end = unread;
    }

    private void Fill()
    {
        var read = _socket.Receive(ReceiveRoom());
        _receivedAt = Stopwatch.GetTimestamp();
        if (read == 0) throw new IOException("The connection ended without a close frame.");
        _end += read;
    }

    private async ValueTask FillAsync(CancellationToken ct)
    {
        ReceiveRoom();
        var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, ct);
        _receivedAt = Stopwatch.GetTimestamp();
        if (read == 0) throw new IOException("The connection ended without a close frame.");
        _end += read;
    }

    private void Gather(ReadOnlySpan<byte> fragment)
    {
        if (_messageLength + fragment.Length > MaxMessage) throw new IOException("A fragmented WebSocket message past 64 MiB.");
        if (_messageLength + fragment.Length > _message.Length) Array.Resize(ref _message, Math.Max(_messageLength + fragment.Length, _message.Length * 2));
        fragment.CopyTo(_message.AsSpan(_messageLength));
        _messageLength += fragment.Length;
    }

    /// <summary>A small control frame, masked as every client frame must be; nothing is sent after the close frame.</summary>
    private void Send(int opcode, ReadOnlySpan<byte> payload)
    {
        Span<byte> frame = stackalloc byte[2 + 4 + 125];
        frame[0] = (byte)(0x80 | opcode);
        frame[1] = (byte)(0x80 | payload.Length); // control payloads are at most 125 bytes
        RandomNumberGenerator.Fill(frame.Slice(2, 4));
        for (var i = 0; i < payload.Length; i++) frame[6 + i] = (byte)(payload[i] ^ frame[2 + (i & 3)]);
        lock (_sendLock)
        {
            if (_closeSent) return;
            _closeSent = opcode == 0x8;
            try
            {
                _socket.Send(frame[..(6 + payload.Length)]);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // The connection is gone; the receive side reports it.
            }
        }
    }
}
