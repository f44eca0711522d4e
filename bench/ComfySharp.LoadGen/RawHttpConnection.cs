using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Numerics;
using System.Text;
using System.Text.Json;

namespace ComfySharp.LoadGen;

/// <summary>
/// <c>POST {base}prompt</c> over one kept-alive HTTP/1.1 connection, written and parsed by hand, on a blocking socket used
/// by one thread. The generator shares the machine with the server it measures: HttpClient's per-request objects, header
/// collections and a string of every answer were about 80 of its ~240 us of CPU per prompt, and an async receive hands
/// every answer from the runtime's epoll thread to a pool thread before the poster sees it. A blocking receive wakes the
/// poster's own thread.
/// </summary>
/// <remarks>
/// Reads what a ComfyUI-compatible server may send: <c>Content-Length</c> or <c>chunked</c> bodies (or, without either, a
/// body up to the close), interim 1xx answers, <c>Connection: close</c> and HTTP/1.0 (the next request reconnects).
/// The socket is never used asynchronously nor given a timeout: either would switch it to non-blocking for good, and .NET
/// would then emulate each blocking call through its epoll thread. Cancellation closes the socket instead.
/// </remarks>
internal sealed class RawHttpConnection : IPromptPoster
{
    private const int MaxAnswer = 64 << 20; // bytes, status line to the end of the body
    private const int MaxLine = 64 << 10; // bytes: the head, a chunk-size or trailer line

    private readonly EndPoint _endPoint;
    private readonly string _authority;
    private readonly CancellationToken _ct;
    private readonly CancellationTokenRegistration _cancel;
    private readonly int _headLength;
    private byte[] _request; // the request line and headers up to Content-Length's value stay at the start
    private byte[] _buffer = new byte[8 * 1024]; // received bytes; [_start, _end) not consumed yet
    private int _start;
    private int _end;
    private bool _answerStarted; // a byte of the current answer arrived
    private Socket? _socket;

    /// <param name="baseUrl">An http URL, with or without a base path.</param>
    /// <param name="ct">Closes the connection when cancelled, which ends a post blocked on it with <see cref="OperationCanceledException"/>.</param>
    public RawHttpConnection(Uri baseUrl, CancellationToken ct)
    {
        _endPoint = BlockingSockets.EndPointOf(baseUrl);
        _authority = baseUrl.Authority;
        // AbsolutePath is percent-encoded already; "prompt" goes after it as HttpClient resolves it against the base address.
        var head = Encoding.ASCII.GetBytes(
            $"POST {baseUrl.AbsolutePath.TrimEnd('/')}/prompt HTTP/1.1\r\nHost: {_authority}\r\nContent-Type: application/json\r\nContent-Length: ");
        _request = new byte[BitOperations.RoundUpToPowerOf2((uint)head.Length + 1024)];
        head.CopyTo(_request, 0);
        _headLength = head.Length;
        _ct = ct;
        _cancel = ct.UnsafeRegister(static state => ((RawHttpConnection)state!).Abort(), this);
    }

    /// <summary>
    /// Posts <paramref name="body"/>: the prompt id on 200, else the status and the answer's body; status 0 when no HTTP
    /// answer came (no connection, reset, closed early, not HTTP), after which the next post opens a new connection.
    /// </summary>
    /// <exception cref="OperationCanceledException">The token given at construction was cancelled.</exception>
    public PostResult Post(byte[] body)
    {
        _ct.ThrowIfCancellationRequested();
        var length = WriteRequest(body);
        try
        {
            while (true)
            {
                var reused = _socket is not null;
                try
                {
                    var socket = _socket ?? Connect();
                    _answerStarted = false;
                    for (var sent = 0; sent < length;) sent += socket.Send(_request.AsSpan(sent, length - sent));
                    return ReadAnswer();
                }
                catch (Exception ex) when (reused && !_answerStarted && !_ct.IsCancellationRequested && ex is SocketException or IOException)
                {
                    // The server closed the kept-alive connection while it sat idle (a keep-alive timeout) and never answered:
                    // one more try on a new connection (not reused, so only once), as HttpClient retries a pooled connection.
                    Close();
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException)
        {
            Close();
            if (_ct.IsCancellationRequested) throw new OperationCanceledException("Cancelled while posting.", ex, _ct);
            return new PostResult(null, 0, ex.Message);
        }
    }

    public void Dispose()
    {
        _cancel.Dispose();
        Close();
    }

    // A cancellation callback, on another thread: closing the socket unblocks a send or receive in progress.
    private void Abort() => Volatile.Read(ref _socket)?.Dispose();

    private int WriteRequest(ReadOnlySpan<byte> body)
    {
        var length = _headLength + 10 + 4 + body.Length; // at most: head, int digits, CRLF CRLF, body
        if (length > _request.Length)
        {
            var grown = new byte[BitOperations.RoundUpToPowerOf2((uint)length)];
            _request.AsSpan(0, _headLength).CopyTo(grown);
            _request = grown;
        }
        var request = _request.AsSpan(_headLength);
        body.Length.TryFormat(request, out var digits, default, CultureInfo.InvariantCulture);
        "\r\n\r\n"u8.CopyTo(request[digits..]);
        body.CopyTo(request[(digits + 4)..]);
        return _headLength + digits + 4 + body.Length;
    }

    private Socket Connect()
    {
        var socket = BlockingSockets.Connect(_endPoint, _authority, _ct);
        Volatile.Write(ref _socket, socket);
        _start = _end = 0;
        // A cancellation that came between the connect and the line above found no socket to close.
        _ct.ThrowIfCancellationRequested();
        return socket;
    }

    private PostResult ReadAnswer()
    {
        (int Status, long Length, bool Chunked, bool Close) head;
        while (true)
        {
            int headLength;
            while ((headLength = LineEnd(0, "\r\n\r\n"u8)) < 0) Fill(_end - _start + 1);
            head = ParseHead(_buffer.AsSpan(_start, headLength + 4));
            _start += headLength + 4;
            if (head.Status >= 200) break; // 1xx: interim, the final answer follows
        }
        int length, consumed;
        if (head.Status is 204 or 304)
        {
            length = consumed = 0;
        }
        else if (head.Chunked)
        {
            (length, consumed) = ReadChunked();
        }
        else if (head.Length >= 0)
        {
            if (head.Length > MaxAnswer) ThrowMalformed($"Content-Length {head.Length} is past {MaxAnswer >> 20} MiB");
            length = consumed = (int)head.Length;
            Fill(length);
        }
        else
        {
            length = consumed = ReadToClose(); // neither length nor chunked: the body ends with the connection
            head.Close = true;
        }
        var result = Interpret(head.Status, _buffer.AsSpan(_start, length));
        if (head.Close)
        {
            Close();
        }
        else
        {
            _start += consumed;
            if (_start == _end) _start = _end = 0;
        }
        return result;
    }

    private static PostResult Interpret(int status, ReadOnlySpan<byte> body)
    {
        if (status != 200) return new PostResult(null, status, Encoding.UTF8.GetString(body));
        try
        {
            var reader = new Utf8JsonReader(body);
            if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isId = reader.ValueTextEquals("prompt_id"u8);
                    reader.Read();
                    if (isId && reader.TokenType == JsonTokenType.String) return new PostResult(reader.GetString(), 200, null);
                    reader.Skip();
                }
            }
            return new PostResult(null, 200, "no prompt_id in " + Encoding.UTF8.GetString(body));
        }
        catch (JsonException ex)
        {
            return new PostResult(null, 200, "unreadable answer: " + ex.Message);
        }
    }

    /// <summary>The status line and header fields, up to and including the empty line.</summary>
    private static (int Status, long Length, bool Chunked, bool Close) ParseHead(ReadOnlySpan<byte> head)
    {
        var lineEnd = head.IndexOf("\r\n"u8);
        var line = head[..lineEnd];
        // "HTTP/1.1 200 OK"; the reason phrase may be empty.
        var status = 0;
        if (line.Length < 12 || !line.StartsWith("HTTP/1."u8) || line[8] != ' '
            || !int.TryParse(line.Slice(9, 3), NumberStyles.None, CultureInfo.InvariantCulture, out status) || status < 100)
        {
            ThrowMalformed("the status line is " + Printable(line));
        }
        var close = line[7] == '0'; // HTTP/1.0 closes unless it says keep-alive
        long length = -1;
        var chunked = false;
        var fields = head[(lineEnd + 2)..];
        while ((lineEnd = fields.IndexOf("\r\n"u8)) > 0)
        {
            line = fields[..lineEnd];
            fields = fields[(lineEnd + 2)..];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0) ThrowMalformed("a header line is " + Printable(line));
            var name = line[..colon];
            var value = line[(colon + 1)..].Trim(" \t"u8);
            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out length)) ThrowMalformed("Content-Length is " + Printable(value));
            }
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                chunked = value.Length >= 7 && Ascii.EqualsIgnoreCase(value[^7..], "chunked"u8); // chunked is always the last coding
            }
            else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
            {
                // A single token in practice ("close", "keep-alive"); a list such as "keep-alive, Upgrade" keeps it open.
                if (Ascii.EqualsIgnoreCase(value, "close"u8)) close = true;
                else if (value.Length >= 10 && Ascii.EqualsIgnoreCase(value[..10], "keep-alive"u8)) close = false;
            }
        }
        return (status, length, chunked, close);
    }

    /// <summary>Decodes in place: each chunk's data moves down behind the previous one's, so the body ends up whole at <c>_start</c>.</summary>
    /// <returns>The body's length and the bytes the chunked body took, both from <c>_start</c>.</returns>
    private (int Length, int Consumed) ReadChunked()
    {
        var length = 0;
        var position = 0; // the first byte not decoded yet, from _start
        while (true)
        {
            int lineEnd;
            while ((lineEnd = LineEnd(position, "\r\n"u8)) < 0) Fill(_end - _start + 1);
            var size = ChunkSize(_buffer.AsSpan(_start + position, lineEnd - position));
            position = lineEnd + 2;
            if (size == 0) break;
            if (size > MaxAnswer - length) ThrowMalformed($"the chunked body is past {MaxAnswer >> 20} MiB");
            Fill(position + size + 2);
            _buffer.AsSpan(_start + position, size).CopyTo(_buffer.AsSpan(_start + length));
            length += size;
            position += size;
            if (!_buffer.AsSpan(_start + position, 2).SequenceEqual("\r\n"u8)) ThrowMalformed("a chunk does not end with CRLF");
            position += 2;
        }
        while (true)
        {
            // Trailer fields, ignored, up to the empty line.
            int lineEnd;
            while ((lineEnd = LineEnd(position, "\r\n"u8)) < 0) Fill(_end - _start + 1);
            var empty = lineEnd == position;
            position = lineEnd + 2;
            if (empty) return (length, position);
        }
    }

    private static int ChunkSize(ReadOnlySpan<byte> line)
    {
        var extension = line.IndexOf((byte)';');
        var digits = (extension >= 0 ? line[..extension] : line).Trim(" \t"u8);
        if (!int.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size) || size < 0)
        {
            ThrowMalformed("a chunk size is " + Printable(line));
        }
        return size;
    }

    private int ReadToClose()
    {
        while (true)
        {
            var received = _socket!.Receive(Room(_end - _start + 1));
            if (received == 0) return _end - _start;
            _end += received;
        }
    }

    /// <summary>Where <paramref name="end"/> starts at or after <paramref name="from"/>, both from <c>_start</c>; -1 if not buffered yet.</summary>
    private int LineEnd(int from, ReadOnlySpan<byte> end)
    {
        var at = _buffer.AsSpan(_start + from, _end - _start - from).IndexOf(end);
        if (at >= 0) return from + at;
        if (_end - _start - from > MaxLine) ThrowMalformed($"no line end within {MaxLine >> 10} KiB");
        return -1;
    }

    /// <summary>Receives until <paramref name="count"/> bytes from <c>_start</c> are buffered.</summary>
    private void Fill(int count)
    {
        while (_end - _start < count)
        {
            var received = _socket!.Receive(Room(count));
            if (received == 0)
            {
                throw new IOException(_answerStarted ? "The server closed the connection in the middle of its answer." : "The server closed the connection without answering.");
            }
            _end += received;
            _answerStarted = true;
        }
    }

    /// <summary>The free space after <c>_end</c>, the buffer compacted or grown first so that <paramref name="count"/> bytes from <c>_start</c> fit.</summary>
    private Span<byte> Room(int count)
    {
        if (count > MaxAnswer) ThrowMalformed($"the answer is past {MaxAnswer >> 20} MiB");
        if (_start + count > _buffer.Length)
        {
            var target = count > _buffer.Length ? new byte[BitOperations.RoundUpToPowerOf2((uint)count)] : _buffer;
            _buffer.AsSpan(_start, _end - _start).CopyTo(target);
            _buffer = target;
            _end -= _start;
            _start = 0;
        }
        return _buffer.AsSpan(_end);
    }

    private void Close()
    {
        Interlocked.Exchange(ref _socket, null)?.Dispose();
        _start = _end = 0;
    }

    private static string Printable(ReadOnlySpan<byte> text) =>
        "'" + Encoding.ASCII.GetString(text.Length > 200 ? text[..200] : text) + "'";

    [DoesNotReturn]
    private static void ThrowMalformed(string what) => throw new IOException("Not an HTTP/1.1 answer: " + what + ".");
}
