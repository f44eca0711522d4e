using System.Buffers;

namespace ComfySharp.Protocol.Frames;

/// <summary>
/// An encoded binary WebSocket frame in a buffer rented from <see cref="ArrayPool{T}.Shared"/>.
/// Whoever holds it last (normally the socket's writer loop, after sending) disposes it, which returns the buffer.
/// </summary>
/// <remarks>
/// A class rather than a struct on purpose: a copied struct disposed twice would hand the same array back to the pool
/// twice and let two later frames share it. Here <see cref="Dispose"/> is idempotent and thread-safe.
/// </remarks>
public sealed class BinaryFrame : IDisposable
{
    private byte[]? _buffer;
    private readonly int _length;

    internal BinaryFrame(byte[] buffer, int length)
    {
        _buffer = buffer;
        _length = length;
    }

    /// <summary>The frame's bytes, starting with the 4-byte big-endian event type. Valid until <see cref="Dispose"/>.</summary>
    /// <exception cref="ObjectDisposedException">The frame was disposed and its buffer returned.</exception>
    public ReadOnlyMemory<byte> Memory
    {
        get
        {
            var buffer = Volatile.Read(ref _buffer);
            ObjectDisposedException.ThrowIf(buffer is null, this);
            return new ReadOnlyMemory<byte>(buffer, 0, _length);
        }
    }

    /// <summary>The frame's length in bytes.</summary>
    public int Length => _length;

    /// <summary>Returns the buffer to the pool. Later calls do nothing; memory read earlier must not be used after this.</summary>
    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
    }
}
