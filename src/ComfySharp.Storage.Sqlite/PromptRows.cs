using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using ComfySharp.Engine.Queue;

namespace ComfySharp.Storage.Sqlite;

/// <summary>
/// Rows that hold a prompt keep it apart: their JSON has a one-byte stand-in (<c>0</c>) where the prompt stands (its offset in
/// a <c>prompt_at</c> column) and the prompt's bytes are a row of the <c>prompts</c> table. A prompt is written once, with
/// its queue row, and its history entry takes over that row when it completes. Written whole into both, a long graph's
/// bytes were written twice, and the queue row's pages were read back only to be freed.
/// Only prompts of a page or more are kept apart (<see cref="KeptApartFrom"/>); smaller ones stay in their rows (<c>prompt_at</c>
/// -1), as do rows from before (schema 2), and are read as they are.
/// <para>
/// A prompts row holds its prompt compressed (<see cref="Pack"/>), as a blob, when that is smaller; otherwise, and in rows
/// from before schema 4, as UTF-8 text. A prompt graph repeats its class and input names node after node: a 10,000-node
/// chain (1 MB) packs into 29 KB in 0.6 ms and unpacks in 0.4 ms, where its ~520 pages cost ~1,040 WAL writes with the
/// commit that accepts it and ~520 more when checkpointed.
/// </para>
/// </summary>
/// <remarks>
/// Measured on this machine (2 cores, durable commits, alternated against the store that wrote every prompt twice):
/// a 10,000-node chain, 9 prompts: pwrite 32,296 -> 13,611 and pread 11,369 -> 4,181; kept apart, the 3-node prompts of the
/// throughput run (~0.5 KB) cost more (pwrite +15%, server CPU +13%): another table's leaf is dirtied in every commit, and
/// a small prompt's second copy shares pages with other rows anyway.
/// </remarks>
internal static class PromptRows
{
    /// <summary>Prompts this long or longer (UTF-8 bytes: a page of a new database) get a row of their own.</summary>
    public const int KeptApartFrom = 2048;

    /// <summary>The JSON with the prompt's bytes in the stand-in's place (<paramref name="at"/> -1: the JSON is whole).</summary>
    public static byte[] Join(ReadOnlySpan<byte> json, int at, ReadOnlySpan<byte> prompt) =>
        at < 0 ? json.ToArray() : StandIn.Join(json, at, prompt);

    /// <summary>
    /// Tells a prompt's bytes apart without keeping them: a history entry takes over its queue row's prompt only when the
    /// two hash alike (a prompt id queued again while it ran has other bytes in that row by then).
    /// </summary>
    public static long Hash(ReadOnlySpan<byte> prompt) => unchecked((long)XxHash3.HashToUInt64(prompt));

    /// <summary>
    /// The prompt as a prompts row stores it when that is smaller: its length (4 bytes, little-endian), then Brotli at quality
    /// 1 (fast; a higher one packed a chain 30% smaller at twice the time). Null when packing saves nothing (the row then
    /// holds the text).
    /// </summary>
    public static byte[]? Pack(ReadOnlySpan<byte> prompt)
    {
        // Into a buffer that grows with the output (a fraction of the prompt), not one the prompt's size: a pooled buffer for
        // a 100 MB prompt would stay in the pool.
        var output = new ArrayBufferWriter<byte>(Math.Clamp(prompt.Length / 8, 256, 1 << 20));
        output.Advance(4);
        using var encoder = new BrotliEncoder(quality: 1, window: 22);
        var source = prompt;
        while (true)
        {
            var status = encoder.Compress(source, output.GetSpan(Math.Max(4096, output.WrittenCount)), out var consumed, out var written, isFinalBlock: true);
            output.Advance(written);
            source = source[consumed..];
            if (output.WrittenCount >= prompt.Length) return null;
            if (status == OperationStatus.Done) break;
            if (status != OperationStatus.DestinationTooSmall) return null;
        }
        var packed = output.WrittenSpan.ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(packed, prompt.Length);
        return packed;
    }

    /// <summary>The prompt a packed row holds (<see cref="Pack"/>).</summary>
    /// <exception cref="InvalidDataException">The row is not a packed prompt.</exception>
    public static byte[] Unpack(ReadOnlySpan<byte> packed)
    {
        var length = packed.Length >= 4 ? BinaryPrimitives.ReadInt32LittleEndian(packed) : -1;
        if (length < 0) throw new InvalidDataException("A stored prompt is damaged: its packed row has no length.");
        var prompt = new byte[length];
        if (!BrotliDecoder.TryDecompress(packed[4..], prompt, out var written) || written != length)
        {
            throw new InvalidDataException("A stored prompt is damaged: its packed row does not unpack to its length.");
        }
        return prompt;
    }
}
