namespace ComfySharp.Engine.Queue;

/// <summary>
/// The one-byte JSON value (<c>0</c>) written where a large value (a prompt's bytes) goes, so that the value is copied into
/// the result once (<see cref="ScratchJson.WriteStandIn"/>), or kept apart and joined in only when the whole text is needed
/// (<see cref="HistoryRecord"/>, the SQLite store's prompt rows).
/// </summary>
public static class StandIn
{
    public static ReadOnlySpan<byte> Utf8 => "0"u8;

    /// <summary><paramref name="json"/> with <paramref name="value"/> in place of the stand-in at <paramref name="at"/>, in one array of its exact size.</summary>
    /// <exception cref="InvalidDataException">No stand-in stands at <paramref name="at"/>.</exception>
    public static byte[] Join(ReadOnlySpan<byte> json, int at, ReadOnlySpan<byte> value)
    {
        if (at < 0 || at >= json.Length || json[at] != Utf8[0]) throw new InvalidDataException("The JSON has no stand-in where it was said to be.");
        var whole = GC.AllocateUninitializedArray<byte>(json.Length - 1 + value.Length);
        json[..at].CopyTo(whole);
        value.CopyTo(whole.AsSpan(at));
        json[(at + 1)..].CopyTo(whole.AsSpan(at + value.Length));
        return whole;
    }
}
