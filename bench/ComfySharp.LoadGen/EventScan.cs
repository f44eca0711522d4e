namespace ComfySharp.LoadGen;

/// <summary>
/// Reads the few values the listener acts on straight from an event's bytes, without a JSON reader: a listener sees about
/// ten events per trivial prompt and needs two of them. Compact JSON (ComfySharp) and <c>json.dumps</c> spacing (ComfyUI:
/// <c>", "</c> and <c>": "</c>) both read. Each method answers false when the bytes are not in the plain shape it expects
/// (the type not the first key, an escaped string, a key missing), and the caller then parses with <see cref="ComfyEvent"/>.
/// </summary>
internal static class EventScan
{
    /// <summary>The value of <c>"type"</c> when it is the object's first key, as both ComfyUI and ComfySharp write it.</summary>
    public static bool TryReadType(ReadOnlySpan<byte> json, out ReadOnlySpan<byte> type)
    {
        type = default;
        var i = SkipSpace(json, 0);
        if (i >= json.Length || json[i] != '{') return false;
        i = SkipSpace(json, i + 1);
        if (!json[i..].StartsWith("\"type\""u8)) return false;
        return TryValueStart(json, i + 6, out i) && TryReadString(json, i, out type);
    }

    /// <summary>The string value of the first <paramref name="quotedKey"/> (quotes included, e.g. <c>"prompt_id"</c>) that is a key.</summary>
    /// <remarks>
    /// Meant for flat objects such as <c>executing</c>'s data: the text <c>"key"</c> outside a key can only be a whole string
    /// value (quotes inside strings are escaped), and a value is never followed by a colon, so it is skipped.
    /// </remarks>
    public static bool TryFindString(ReadOnlySpan<byte> json, ReadOnlySpan<byte> quotedKey, out ReadOnlySpan<byte> value)
    {
        value = default;
        return TryFindValue(json, quotedKey, out var at) && TryReadString(json, at, out value);
    }

    /// <summary>Whether the first <paramref name="quotedKey"/> that is a key has the value <c>null</c>.</summary>
    public static bool TryFindIsNull(ReadOnlySpan<byte> json, ReadOnlySpan<byte> quotedKey, out bool isNull)
    {
        isNull = false;
        if (!TryFindValue(json, quotedKey, out var at)) return false;
        isNull = json[at..].StartsWith("null"u8);
        return true;
    }

    /// <summary>The integer value of the first <paramref name="quotedKey"/> that is a key, such as <c>status</c>'s <c>"queue_remaining"</c>.</summary>
    public static bool TryFindInt(ReadOnlySpan<byte> json, ReadOnlySpan<byte> quotedKey, out int value)
    {
        value = 0;
        if (!TryFindValue(json, quotedKey, out var at)) return false;
        var digits = json[at..];
        var end = digits.IndexOfAnyExceptInRange((byte)'0', (byte)'9');
        if (end < 0) end = digits.Length;
        // A sign, fraction or exponent is not this shape: the caller parses the whole event instead.
        if (end == 0 || end > 9 || (end < digits.Length && digits[end] is (byte)'.' or (byte)'e' or (byte)'E')) return false;
        foreach (var digit in digits[..end]) value = value * 10 + (digit - '0');
        return true;
    }

    /// <summary>Where the value of the first <paramref name="quotedKey"/> followed by a colon starts.</summary>
    private static bool TryFindValue(ReadOnlySpan<byte> json, ReadOnlySpan<byte> quotedKey, out int at)
    {
        var from = 0;
        while (true)
        {
            var found = json[from..].IndexOf(quotedKey);
            if (found < 0)
            {
                at = -1;
                return false;
            }
            from += found + quotedKey.Length;
            if (TryValueStart(json, from, out at)) return true;
        }
    }

    /// <summary>After a key ending at <paramref name="from"/>: optional spaces, a colon, optional spaces; <paramref name="at"/> is the value's first byte.</summary>
    private static bool TryValueStart(ReadOnlySpan<byte> json, int from, out int at)
    {
        at = SkipSpace(json, from);
        if (at >= json.Length || json[at] != ':') return false;
        at = SkipSpace(json, at + 1);
        return at < json.Length;
    }

    /// <summary>A string starting at <paramref name="at"/> without escapes; its bytes without the quotes.</summary>
    private static bool TryReadString(ReadOnlySpan<byte> json, int at, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (at >= json.Length || json[at] != '"') return false;
        var rest = json[(at + 1)..];
        var end = rest.IndexOfAny((byte)'"', (byte)'\\');
        if (end < 0 || rest[end] != '"') return false;
        value = rest[..end];
        return true;
    }

    private static int SkipSpace(ReadOnlySpan<byte> json, int from)
    {
        while (from < json.Length && json[from] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r') from++;
        return from;
    }
}
