using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace ComfySharp.Engine.Caching;

/// <summary>
/// The bytes of one signature, gathered and then hashed in one call: the same bytes a streaming hasher would be given piece
/// by piece, so the same keys, without its bookkeeping per piece (a node is a dozen pieces of a few bytes each).
/// </summary>
internal sealed class SignatureBytes
{
    private const int KeptBytes = 64 * 1024; // a larger buffer (a long text input) is not kept for the next node

    private byte[] _bytes = new byte[512];
    private int _length;

    public void Reset()
    {
        if (_bytes.Length > KeptBytes) _bytes = new byte[512];
        _length = 0;
    }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Reserve(bytes.Length));
        _length += bytes.Length;
    }

    public void Append(byte tag)
    {
        Reserve(1)[0] = tag;
        _length++;
    }

    public void Append(byte tag, long value)
    {
        var span = Reserve(9);
        span[0] = tag;
        BinaryPrimitives.WriteInt64LittleEndian(span[1..], value);
        _length += 9;
    }

    /// <summary>The string's UTF-8 length (4 bytes, little-endian), then its UTF-8 bytes.</summary>
    public void AppendString(string s)
    {
        var span = Reserve(4 + Encoding.UTF8.GetMaxByteCount(s.Length));
        var written = Encoding.UTF8.GetBytes(s, span[4..]);
        BinaryPrimitives.WriteInt32LittleEndian(span, written);
        _length += 4 + written;
    }

    /// <summary>Room for <paramref name="count"/> more bytes, which the caller writes and then counts in.</summary>
    public Span<byte> Reserve(int count)
    {
        if (_bytes.Length - _length < count)
        {
            var bigger = new byte[Math.Max(_bytes.Length * 2, _length + count)];
            _bytes.AsSpan(0, _length).CopyTo(bigger);
            _bytes = bigger;
        }
        return _bytes.AsSpan(_length);
    }

    public void Advance(int count) => _length += count;

    public UInt128 Hash() => XxHash128.HashToUInt128(_bytes.AsSpan(0, _length));
}
