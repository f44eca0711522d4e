using System.Text.Json;
using System.Text.Json.Nodes;

namespace ComfySharp.Client.Events;

/// <summary>
/// Parses server JSON. ComfyUI writes with Python's <c>json.dumps</c>, which lets NaN and Infinity through verbatim
/// (protocol.md §3.7, e.g. inside <c>current_inputs</c>); such tokens outside strings are read as null instead of failing.
/// </summary>
internal static class TolerantJson
{
    public static JsonNode? Parse(ReadOnlySpan<byte> utf8)
    {
        try
        {
            return JsonNode.Parse(utf8);
        }
        catch (JsonException)
        {
            return JsonNode.Parse(ReplaceNonFinite(utf8));
        }
    }

    public static JsonNode? Parse(string text) => Parse(System.Text.Encoding.UTF8.GetBytes(text));

    private static byte[] ReplaceNonFinite(ReadOnlySpan<byte> utf8)
    {
        var output = new List<byte>(utf8.Length);
        var inString = false;
        for (var i = 0; i < utf8.Length; i++)
        {
            var b = utf8[i];
            if (inString)
            {
                output.Add(b);
                if (b == (byte)'\\' && i + 1 < utf8.Length) output.Add(utf8[++i]);
                else if (b == (byte)'"') inString = false;
                continue;
            }
            if (b == (byte)'"') inString = true;
            else if (TryToken(utf8, i, "-Infinity"u8, out var n) || TryToken(utf8, i, "Infinity"u8, out n) || TryToken(utf8, i, "NaN"u8, out n))
            {
                output.AddRange("null"u8);
                i += n - 1;
                continue;
            }
            output.Add(b);
        }
        return [.. output];
    }

    private static bool TryToken(ReadOnlySpan<byte> utf8, int at, ReadOnlySpan<byte> token, out int length)
    {
        length = token.Length;
        return utf8[at..].StartsWith(token);
    }
}
