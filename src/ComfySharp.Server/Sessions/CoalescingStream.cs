using System.Buffers;

namespace ComfySharp.Server.Sessions;

/// <summary>
/// The upgraded connection under a server WebSocket. A session hands it every frame it has queued at once
/// (<see cref="WriteFramesAsync"/>), and they reach the connection as a single write: a burst of events costs one send, not
/// one per event. The socket's own control frames (pong, close) go through <see cref="WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/>;
/// both take one gate, so the bytes of two frames never interleave.
/// </summary>
internal sealed class CoalescingStream(Stream inner) : Stream
{
    // A burst larger than this is sent in pieces, so one slow client never pins a large buffer.
    private const int FlushThreshold = 64 * 1024;

    private readonly SemaphoreSlim _gate = new(1, 1);
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
                await inner.WriteAsync(frames[0].Data, ct).ConfigureAwait(false);
                return;
            }
            foreach (var frame in frames)
            {
                var payload = frame.Payload;
                var size = WebSocketHeader.LengthFor(payload.Length) + payload.Length;
                if (_length > 0 && _length + size > FlushThreshold) await SendBufferedAsync(ct).ConfigureAwait(false);
                if (size <= FlushThreshold)
                {
                    Append(frame, payload);
                }
                else if (frame.Framed)
                {
                    await inner.WriteAsync(frame.Data, ct).ConfigureAwait(false);
                }
                else
                {
                    // A large frame without a header (a preview image): the header, then the bytes as they are.
                    _length = WebSocketHeader.Write(_buffer, payload.Length, frame.IsText);
                    await SendBufferedAsync(ct).ConfigureAwait(false);
                    await inner.WriteAsync(payload, ct).ConfigureAwait(false);
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
            await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
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

    /// <summary>Appends the frame, header first if it has none; the buffer grows to fit.</summary>
    private void Append(OutboundFrame frame, ReadOnlyMemory<byte> payload)
    {
        var needed = _length + WebSocketHeader.MaxLength + frame.Data.Length;
        if (needed > _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, needed));
            _buffer.AsSpan(0, _length).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
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
        await inner.WriteAsync(_buffer.AsMemory(0, length), ct).ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            // The pooled buffer is left to the collector: a write racing the dispose may still hold it.
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
