using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Numerics;
using System.Text;
using System.Text.Json;

namespace ComfySharp.LoadGen;

/// <summary>
/// <c>POST {base}prompt</c> over one kept-alive HTTP/1.1 connection, written and parsed by hand. The generator shares the
/// machine with the server it measures, and HttpClient's per-request objects, header collections and a string of every
/// answer were about 80 of its ~240 us of CPU per prompt. One request at a time: a poster takes the connection, posts, hands
/// it back.
/// </summary>
/// <remarks>
/// Reads what a ComfyUI-compatible server may send: <c>Content-Length</c> or <c>chunked</c> bodies (or, without either, a
/// body up to the close), interim 1xx answers, <c>Connection: close</c> and HTTP/1.0 (the next request reconnects).
/// </remarks>
internal sealed class RawHttpConnection : IDisposable
{
    private const int MaxAnswer = 64 << 20; // bytes, status line to the end of the body
    private const int MaxLine = 64 << 10; // bytes: the head, a chunk-size or trailer line

    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    private readonly EndPoint _endPoint;
    private readonly string _authority;
    private readonly int _headLength;
    private byte[] _request; // the request line and headers up to Content-Length's value stay at the start
    private byte[] _buffer = new byte[8 * 1024]; // received bytes; [_start, _end) not consumed yet
    private int _start;
    private int _end;
    private bool _answerStarted; // a byte of the current answer arrived
    private Socket? _socket;

    /// <param name="baseUrl">An http URL, with or without a base path.</param>
    public RawHttpConnection(Uri baseUrl)
    {
        _endPoint = IPAddress.TryParse(baseUrl.DnsSafeHost, out var address)
            ? new IPEndPoint(address, baseUrl.Port)
            : new DnsEndPoint(baseUrl.DnsSafeHost, baseUrl.Port);
        _authority = baseUrl.Authority;
        // AbsolutePath is percent-encoded already; "prompt" goes after it as HttpClient resolves it against the base address.
        var head = Encoding.ASCII.GetBytes(
            $"POST {baseUrl.AbsolutePath.TrimEnd('/')}/prompt HTTP/1.1\r\nHost: {_authority}\r\nContent-Type: application/json\r\nContent-Length: ");
        _request = new byte[BitOperations.RoundUpToPowerOf2((uint)head.Length + 1024)];
        head.CopyTo(_request, 0);
        _headLength = head.Length;
    }

    /// <summary>Posts <paramref name="body"/>: the prompt id on 200, else the status and the answer's body.</summary>
    /// <exception cref="SocketException">Sending or receiving failed (e.g. the connection was reset).</exception>
    /// <exception cref="IOException">No connection, the server closed it before answering in full, or the answer is not HTTP.</exception>
    public async ValueTask<PostResult> PostPromptAsync(ReadOnlyMemory<byte> body, CancellationToken ct)
    {
        var length = WriteRequest(body.Span);
        while (true)
        {
            var reused = _socket is not null;
            try
            {
                if (_socket is null) await ConnectAsync(ct);
                _answerStarted = false;
                for (var sent = 0; sent < length;) sent += await _socket!.SendAsync(_request.AsMemory(sent, length - sent), SocketFlags.None, ct);
                return await ReadAnswerAsync(ct);
            }
            catch (Exception ex) when (reused && !_answerStarted && ex is SocketException or IOException)
            {
                // The server closed the kept-alive connection while it sat idle (a keep-alive timeout) and never answered:
                // one more try on a new connection (not reused, so only once), as HttpClient retries a pooled connection.
                Close();
            }
        }
    }

    public void Dispose() => Close();

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

    private async ValueTask ConnectAsync(CancellationToken ct)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ConnectTimeout);
        try
        {
            await socket.ConnectAsync(_endPoint, timeout.Token);
        }
        catch (Exception ex) when (ex is SocketException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            socket.Dispose();
            // The same wording as HttpClient's, so errors read alike for http and https URLs.
            throw new IOException(ex is SocketException ? $"{ex.Message} ({_authority})" : $"No connection to {_authority} within {ConnectTimeout.TotalSeconds:0} s.", ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        _socket = socket;
        _start = _end = 0;
    }

    private async ValueTask<PostResult> ReadAnswerAsync(CancellationToken ct)
    {
        (int Status, long Length, bool Chunked, bool Close) head;
        while (true)
        {
            int headLength;
            while ((headLength = LineEnd(0, "\r\n\r\n"u8)) < 0) await FillAsync(_end - _start + 1, ct);
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
            (length, consumed) = await ReadChunkedAsync(ct);
        }
        else if (head.Length >= 0)
        {
            if (head.Length > MaxAnswer) ThrowMalformed($"Content-Length {head.Length} is past {MaxAnswer >> 20} MiB");
            length = consumed = (int)head.Length;
            await FillAsync(length, ct);
        }
        else
        {
            length = consumed = await ReadToCloseAsync(ct); // neither length nor chunked: the body ends with the connection
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
    private async ValueTask<(int Length, int Consumed)> ReadChunkedAsync(CancellationToken ct)
    {
        var length = 0;
        var position = 0; // the first byte not decoded yet, from _start
        while (true)
        {
            int lineEnd;
            while ((lineEnd = LineEnd(position, "\r\n"u8)) < 0) await FillAsync(_end - _start + 1, ct);
            var size = ChunkSize(_buffer.AsSpan(_start + position, lineEnd - position));
            position = lineEnd + 2;
            if (size == 0) break;
            if (size > MaxAnswer - length) ThrowMalformed($"the chunked body is past {MaxAnswer >> 20} MiB");
            await FillAsync(position + size + 2, ct);
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
            while ((lineEnd = LineEnd(position, "\r\n"u8)) < 0) await FillAsync(_end - _start + 1, ct);
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

    private async ValueTask<int> ReadToCloseAsync(CancellationToken ct)
    {
        while (true)
        {
            var received = await _socket!.ReceiveAsync(Room(_end - _start + 1), SocketFlags.None, ct);
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
    private async ValueTask FillAsync(int count, CancellationToken ct)
    {
        while (_end - _start < count)
        {
            var received = await _socket!.ReceiveAsync(Room(count), SocketFlags.None, ct);
            if (received == 0)
            {
                throw new IOException(_answerStarted ? "The server closed the connection in the middle of its answer." : "The server closed the connection without answering.");
            }
            _end += received;
            _answerStarted = true;
        }
    }

    /// <summary>The free space after <c>_end</c>, the buffer compacted or grown first so that <paramref name="count"/> bytes from <c>_start</c> fit.</summary>
    private Memory<byte> Room(int count)
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
        return _buffer.AsMemory(_end);
    }

    private void Close()
    {
        _socket?.Dispose();
        _socket = null;
        _start = _end = 0;
    }

    private static string Printable(ReadOnlySpan<byte> text) =>
        "'" + Encoding.ASCII.GetString(text.Length > 200 ? text[..200] : text) + "'";

    [DoesNotReturn]
    private static void ThrowMalformed(string what) => throw new IOException("Not an HTTP/1.1 answer: " + what + ".");
}
