using System.Buffers.Binary;
using System.Numerics;

namespace ComfySharp.Server.Sessions;

/// <summary>
/// SHA-1 (FIPS 180-4), for the one hash the WebSocket handshake needs (RFC 6455 §4.2.2). The platform's SHA1 loads the
/// system's crypto library into the process at the first connection, several MB of resident memory for a 60-byte input.
/// Not for security: SHA-1 only proves the server read the handshake.
/// </summary>
internal static class Sha1
{
    public const int HashBytes = 20;

    public static void Hash(ReadOnlySpan<byte> message, Span<byte> hash)
    {
        Span<uint> state = [0x67452301u, 0xEFCDAB89u, 0x98BADCFEu, 0x10325476u, 0xC3D2E1F0u];
        Span<uint> words = stackalloc uint[80];
        var whole = message.Length - message.Length % 64;
        for (var offset = 0; offset < whole; offset += 64) Compress(state, message.Slice(offset, 64), words);

        // The tail: the last partial block, the 0x80 marker, zeros, then the message length in bits, in one or two blocks.
        Span<byte> tail = stackalloc byte[128];
        tail.Clear();
        var rest = message[whole..];
        rest.CopyTo(tail);
        tail[rest.Length] = 0x80;
        var tailLength = rest.Length + 9 <= 64 ? 64 : 128;
        BinaryPrimitives.WriteUInt64BigEndian(tail.Slice(tailLength - 8), (ulong)message.Length * 8);
        for (var offset = 0; offset < tailLength; offset += 64) Compress(state, tail.Slice(offset, 64), words);

        for (var i = 0; i < 5; i++) BinaryPrimitives.WriteUInt32BigEndian(hash.Slice(i * 4), state[i]);
    }

    private static void Compress(Span<uint> state, ReadOnlySpan<byte> block, Span<uint> words)
    {
        for (var t = 0; t < 16; t++) words[t] = BinaryPrimitives.ReadUInt32BigEndian(block.Slice(t * 4));
        for (var t = 16; t < 80; t++) words[t] = BitOperations.RotateLeft(words[t - 3] ^ words[t - 8] ^ words[t - 14] ^ words[t - 16], 1);

        uint a = state[0], b = state[1], c = state[2], d = state[3], e = state[4];
        for (var t = 0; t < 80; t++)
        {
            var (f, k) = t switch
            {
                < 20 => ((b & c) | (~b & d), 0x5A827999u),
                < 40 => (b ^ c ^ d, 0x6ED9EBA1u),
                < 60 => ((b & c) | (b & d) | (c & d), 0x8F1BBCDCu),
                _ => (b ^ c ^ d, 0xCA62C1D6u),
            };
            var next = BitOperations.RotateLeft(a, 5) + f + e + k + words[t];
            e = d;
            d = c;
            c = BitOperations.RotateLeft(b, 30);
            b = a;
            a = next;
        }
        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
    }
}
