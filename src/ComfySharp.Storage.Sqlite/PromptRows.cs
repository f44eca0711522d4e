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
}
