using System.Buffers;

namespace ComfySharp.Server.Sessions;

/// <summary>
/// The upgraded connection under a server WebSocket. While a session's writer holds it corked, frame writes are gathered in
/// one buffer and reach the connection as a single write when it uncorks: a burst of events costs one send, not one per
/// event. Uncorked, every write passes straight through. Writes from the socket's own control frames (pong, close) take
/// the same gate, so bytes never interleave.
/// </summary>
internal sealed class CoalescingStream(Stream inner) : Stream
{
    // A burst larger than this is sent in pieces, so one slow client never pins a large buffer.
    private const int FlushThreshold = 64 * 1024;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(4096);
    private int _length;
    private bool _corked;

    /// <summary>Starts gathering writes. Only the session's writer loop corks and uncorks.</summary>
    public void Cork() => Volatile.Write(ref _corked, true);

    /// <summary>Sends what was gathered in one write and lets later writes through.</summary>
    public async ValueTask UncorkAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            _corked = false;
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
            if (!Volatile.Read(ref _corked) && _length == 0)
            {
                await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
                return;
            }
            Append(buffer.Span);
            if (!Volatile.Read(ref _corked) || _length >= FlushThreshold) await SendBufferedAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken) => _corked ? Task.CompletedTask : inner.FlushAsync(cancellationToken);

    public override void Flush()
    {
        if (!_corked) inner.Flush();
    }

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

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (_length + bytes.Length > _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + bytes.Length));
            _buffer.AsSpan(0, _length).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
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
            // The pooled buffer is left to the collector: a control-frame write racing the dispose may still hold it.
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
