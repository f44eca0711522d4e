using System.Security.Cryptography;

namespace ComfySharp.Server.Http;

/// <summary>
/// Random (version 4) UUIDs, as ComfyUI's <c>uuid4</c> prompt ids, cut from a per-thread buffer of cryptographically secure
/// bytes that is refilled 256 ids at a time. <see cref="Guid.NewGuid"/> reads <c>/dev/urandom</c> once per id on this
/// runtime: a system call for every prompt posted without an id.
/// </summary>
internal static class RandomIds
{
    private const int PoolBytes = 4096;

    [ThreadStatic] private static byte[]? t_pool;
    [ThreadStatic] private static int t_next;

    public static Guid NewGuid()
    {
        var pool = t_pool ??= new byte[PoolBytes];
        if (t_next == 0 || t_next == PoolBytes)
        {
            RandomNumberGenerator.Fill(pool);
            t_next = 0;
        }
        var bytes = pool.AsSpan(t_next, 16);
        t_next += 16;
        // RFC 9562 in network order: version 4 in the high nibble of byte 6, variant 10 in the top bits of byte 8.
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        var id = new Guid(bytes, bigEndian: true);
        bytes.Clear();
        return id;
    }
}
