using System.Buffers;
using System.Net.Sockets;

namespace ComfySharp.Server.Sessions;

/// <summary>
/// The upgraded connection under a server WebSocket. A session hands it every frame it has queued at once
/// (<see cref="WriteFramesAsync"/>), and they reach the connection as a single write: a burst of events costs one send, not
/// one per event. The socket's own control frames (pong, close) go through <see cref="WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/>;
/// both take one gate, so the bytes of two frames never interleave.
/// </summary>
/// <remarks>
/// Given the connection's socket, every write after the upgrade goes to the socket itself instead of through the server's
/// response stream and output pipe (its lock, data-rate accounting, pipe buffers and flush, about a fifth of a broadcast's
/// server CPU). That is safe because nothing else writes to the connection after the 101 response, and the server sent that
/// before the upgrade returned: its output is scheduled inline, and a fresh connection's send buffer takes the whole
/// response at once. Reads still come through <paramref name="inner"/>.
/// </remarks>
internal sealed class CoalescingStream(Stream inner, Socket? socket = null) : Stream
{
    // A burst larger than this is sent in pieces, so one slow client never pins a large buffer.
    private const int FlushThreshold = 64 * 1024;

    private readonly SemaphoreSlim _gate = new(1, 1);
    // Cancels a send the socket cannot take (a stalled client) when the WebSocket is aborted and disposes this stream.
    private readonly CancellationTokenSource _disposed = new();
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(4096);
    private int _length;

    /// <summary>
    /// Writes <paramref name="frames"/> in order, those without a header (<see cref="OutboundFrame.Framed"/>) given one. Completes
    /// synchronously when the connection takes the bytes at once, as it does unless the client stopped reading.
    /// </summary>
    public async ValueTask WriteFramesAsync(List<OutboundFrame> frames, CancellationToken ct)
    {
        // Synchronous when free (the usual case): no async wait is set up per broadcast and socket. No token for the
        // attempt that never waits: SemaphoreSlim registers with a cancellable token even then (and unregisters after).
        if (!_gate.Wait(0, CancellationToken.None)) await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (frames.Count == 1 && frames[0].Framed)
            {
                // The shared frame goes out as it is: no copy.
                await SendAsync(frames[0].Data, ct).ConfigureAwait(false);
                return;
            }
            foreach (var frame in frames)
            {
                if (frame.Deferred is { } later)
                {
                    if (AppendLater(later) is { } large)
                    {
                        await SendBufferedAsync(ct).ConfigureAwait(false);
                        await SendAsync(large, ct).ConfigureAwait(false);
                    }
                    else if (_length >= FlushThreshold)
                    {
                        await SendBufferedAsync(ct).ConfigureAwait(false);
                    }
                    continue;
                }
                var payload = frame.Payload;
                var size = WebSocketHeader.LengthFor(payload.Length) + payload.Length;
                if (_length > 0 && _length + size > FlushThreshold) await SendBufferedAsync(ct).ConfigureAwait(false);
                if (size <= FlushThreshold)
                {
                    Append(frame, payload);
                }
                else if (frame.Framed)
                {
                    await SendAsync(frame.Data, ct).ConfigureAwait(false);
                }
                else
                {
                    // A large frame without a header (a preview image): the header, then the bytes as they are.
                    _length = WebSocketHeader.Write(_buffer, payload.Length, frame.IsText);
                    await SendBufferedAsync(ct).ConfigureAwait(false);
                    await SendAsync(payload, ct).ConfigureAwait(false);
                }
            }
            await SendBufferedAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await SendAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override void Flush() => inner.Flush();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.ReadAsync(buffer, offset, count, cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override bool CanRead => inner.CanRead;
    public override bool CanWrite => inner.CanWrite;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>
    /// Serializes a deferred event after what is buffered, header first; one larger than <see cref="FlushThreshold"/> is
    /// returned as a whole frame of its own instead, to be sent after the buffer.
    /// </summary>
    private byte[]? AppendLater(LaterEvent later)
    {
        var json = later.Json();
        var size = WebSocketHeader.LengthFor(json.Length) + json.Length;
        if (size > FlushThreshold) return EventFrames.Frame(json);
        Reserve(size);
        _length += WebSocketHeader.Write(_buffer.AsSpan(_length), json.Length, isText: true);
        json.CopyTo(_buffer.AsSpan(_length));
        _length += json.Length;
        return null;
    }

    private void Reserve(int size)
    {
        var needed = _length + size;
        if (needed <= _buffer.Length) return;
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, needed));
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    /// <summary>Appends the frame, header first if it has none; the buffer grows to fit.</summary>
    private void Append(OutboundFrame frame, ReadOnlyMemory<byte> payload)
    {
        Reserve(WebSocketHeader.MaxLength + frame.Data.Length);
        if (frame.Framed)
        {
            frame.Data.Span.CopyTo(_buffer.AsSpan(_length));
            _length += frame.Data.Length;
        }
        else
        {
            _length += WebSocketHeader.Write(_buffer.AsSpan(_length), payload.Length, frame.IsText);
            payload.Span.CopyTo(_buffer.AsSpan(_length));
            _length += payload.Length;
        }
    }

    private async ValueTask SendBufferedAsync(CancellationToken ct)
    {
        if (_length == 0) return;
        var length = _length;
        _length = 0;
        await SendAsync(_buffer.AsMemory(0, length), ct).ConfigureAwait(false);
    }

    /// <summary>Under the gate: the bytes to the socket when there is one (all of them before it completes), else to the stream.</summary>
    private ValueTask SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct) =>
        socket is null ? inner.WriteAsync(bytes, ct) : SendToSocketAsync(socket, bytes, ct);

    private async ValueTask SendToSocketAsync(Socket to, ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        try
        {
            // The socket tries the send at once and sets up a wait (registering the token) only when it cannot take the
            // bytes. Such a wait ends when the WebSocket is aborted (it disposes this stream) or the server drops the
            // connection (the socket closes under it).
            await to.SendAsync(bytes, SocketFlags.None, _disposed.Token).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            throw new IOException(ex.Message, ex);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _disposed.Cancel();
            inner.Dispose();
            // The pooled buffer is left to the collector: a write racing the dispose may still hold it.
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _disposed.CancelAsync().ConfigureAwait(false);
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
