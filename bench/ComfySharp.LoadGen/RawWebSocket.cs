using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace ComfySharp.LoadGen;

/// <summary>
/// A client WebSocket (RFC 6455) over a plain socket, handshake and frames written and parsed by hand, for the broadcast
/// scenario's listening sockets. A thousand of them share the machine with the server they measure, and ClientWebSocket's
/// receive path (its locks, state checks and a copy out of its own buffer per message) was a large share of the generator's CPU.
/// </summary>
/// <remarks>
/// It speaks what any server may send: frames of any length form, fragmented messages, pings (answered) and the close
/// handshake. It asks for no extension, so frames are never compressed. ws:// only.
/// </remarks>
internal sealed class RawWebSocket : IDisposable
{
    private const int MaxMessage = 64 << 20; // bytes; a longer message fails the socket
    private const int MaxHead = 64 << 10; // bytes of the handshake answer
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    private readonly Socket _socket;
    private readonly Lock _sendLock = new();
    private byte[] _buffer = new byte[4096]; // received bytes; [_start, _end) not consumed yet
    private int _start;
    private int _end;
    private byte[] _message = []; // a fragmented message gathered so far
    private int _messageLength;
    private bool _fragmented; // inside a message whose last frame has not come yet
    private bool _messageIsText;
    private bool _closeSent;

    private RawWebSocket(Socket socket) => _socket = socket;

    /// <summary>Connects to <c>{url}ws?clientId=…</c> and completes the opening handshake.</summary>
    public static async Task<RawWebSocket> ConnectAsync(Uri url, string clientId, CancellationToken ct)
    {
        if (url.Scheme != "http") throw new UsageException("The broadcast scenario needs an http:// URL.");
        EndPoint endPoint = IPAddress.TryParse(url.DnsSafeHost, out var address)
            ? new IPEndPoint(address, url.Port)
            : new DnsEndPoint(url.DnsSafeHost, url.Port);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var ws = new RawWebSocket(socket);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(ConnectTimeout);
            await socket.ConnectAsync(endPoint, timeout.Token);
            var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            var target = ComfyConnection.SocketUrl(url, clientId).PathAndQuery;
            var request = Encoding.ASCII.GetBytes(
                $"GET {target} HTTP/1.1\r\nHost: {url.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n");
            await socket.SendAsync(request, SocketFlags.None, timeout.Token);
            await ws.ReadHandshakeAsync(key, timeout.Token);
            return ws;
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            ws.Dispose();
            throw new IOException($"No WebSocket handshake with {url.Authority} within {ConnectTimeout.TotalSeconds:0} s.", ex);
        }
        catch
        {
            ws.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The next text or binary message, valid until the next call, and the <see cref="Stopwatch"/> time its last bytes were
    /// received; null when the server closed the socket (its close frame is answered).
    /// </summary>
    /// <exception cref="IOException">The connection ended without a close frame, or a frame broke the protocol.</exception>
    public async ValueTask<(bool IsText, ReadOnlyMemory<byte> Data, long ReceivedAt)?> ReceiveAsync(CancellationToken ct)
    {
        var receivedAt = Stopwatch.GetTimestamp();
        while (true)
        {
            while (TryReadFrame(out var fin, out var opcode, out var payload))
            {
                switch (opcode)
                {
                    case 0x1 or 0x2:
                        if (_fragmented) throw new IOException("A new message started inside a fragmented one.");
                        if (fin) return (opcode == 0x1, payload, receivedAt);
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
                            return (_messageIsText, _message.AsMemory(0, _messageLength), receivedAt);
                        }
                        break;
                    case 0x8:
                        // Echo the status code, as the close handshake asks.
                        Send(0x8, payload.Length >= 2 ? payload.Span[..2] : []);
                        return null;
                    case 0x9:
                        Send(0xA, payload.Span);
                        break;
                    case 0xA:
                        break;
                    default:
                        throw new IOException($"Unknown WebSocket opcode {opcode}.");
                }
            }
            await FillAsync(ct);
            receivedAt = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>Sends a close frame (once); the server answers it and ends the connection.</summary>
    public void SendClose()
    {
        Span<byte> normal = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(normal, 1000);
        Send(0x8, normal);
    }

    public void Dispose() => _socket.Dispose();

    private async ValueTask ReadHandshakeAsync(string key, CancellationToken ct)
    {
        int headEnd;
        while ((headEnd = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8)) < 0)
        {
            if (_end - _start >= MaxHead) throw new IOException("The WebSocket handshake answer has no end.");
            await FillAsync(ct);
        }
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

    /// <summary>Moves the unread bytes to the front, and grows the buffer if a frame of <paramref name="needed"/> bytes still does not fit.</summary>
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

    private async ValueTask FillAsync(CancellationToken ct)
    {
        if (_start == _end) _start = _end = 0;
        else if (_end == _buffer.Length) MakeRoom(_end - _start + 1);
        var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, ct);
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
