using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ComfySharp.Engine.Validation;

namespace ComfySharp.Nodes.Core.Preview;

/// <summary>
/// Python's <c>json.dumps</c> with its defaults (separators ", " and ": ", ASCII-only output, NaN and Infinity allowed) for the values
/// nodes pass around: numbers, strings, booleans, lists, string-keyed dictionaries and JSON constants. Anything else (a tensor, a
/// model) is not serializable, as in Python, and the caller falls back to <c>str()</c>.
/// </summary>
internal static class PyJson
{
    public static bool TryDumps(object? value, out string json)
    {
        var sb = new StringBuilder();
        var ok = TryWrite(sb, value, depth: 0);
        json = ok ? sb.ToString() : "";
        return ok;
    }

    private static bool TryWrite(StringBuilder sb, object? value, int depth)
    {
        // Python raises RecursionError long before this; a cycle must not hang the server.
        if (depth > 500) return false;
        switch (value)
        {
            case null:
                sb.Append("null");
                return true;
            case bool b:
                sb.Append(b ? "true" : "false");
                return true;
            case string s:
                WriteString(sb, s);
                return true;
            case long or int or ulong or uint or short or byte:
                sb.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                return true;
            case double d:
                sb.Append(Float(d));
                return true;
            case float f:
                sb.Append(Float(f));
                return true;
            case JsonNode node:
                return TryWriteJson(sb, node, depth);
            case IReadOnlyDictionary<string, object?> dict:
            {
                sb.Append('{');
                var first = true;
                foreach (var (k, v) in dict)
                {
                    if (!first) sb.Append(", ");
                    first = false;
                    WriteString(sb, k);
                    sb.Append(": ");
                    if (!TryWrite(sb, v, depth + 1)) return false;
                }
                sb.Append('}');
                return true;
            }
            case IReadOnlyList<object?> list:
            {
                sb.Append('[');
                for (var i = 0; i < list.Count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    if (!TryWrite(sb, list[i], depth + 1)) return false;
                }
                sb.Append(']');
                return true;
            }
            default:
                return false;
        }
    }

    private static bool TryWriteJson(StringBuilder sb, JsonNode node, int depth)
    {
        switch (node)
        {
            case JsonObject o:
            {
                sb.Append('{');
                var first = true;
                foreach (var (k, v) in o)
                {
                    if (!first) sb.Append(", ");
                    first = false;
                    WriteString(sb, k);
                    sb.Append(": ");
                    if (v is null) sb.Append("null");
                    else if (!TryWriteJson(sb, v, depth + 1)) return false;
                }
                sb.Append('}');
                return true;
            }
            case JsonArray a:
            {
                sb.Append('[');
                for (var i = 0; i < a.Count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    if (a[i] is not { } item) sb.Append("null");
                    else if (!TryWriteJson(sb, item, depth + 1)) return false;
                }
                sb.Append(']');
                return true;
            }
            case JsonValue v when v.TryGetValue<JsonElement>(out var element):
                return TryWriteElement(sb, element);
            case JsonValue v when v.TryGetValue<string>(out var s):
                WriteString(sb, s);
                return true;
            case JsonValue v when v.TryGetValue<bool>(out var b):
                sb.Append(b ? "true" : "false");
                return true;
            case JsonValue v when v.TryGetValue<long>(out var l):
                sb.Append(l.ToString(CultureInfo.InvariantCulture));
                return true;
            case JsonValue v when v.TryGetValue<ulong>(out var u):
                sb.Append(u.ToString(CultureInfo.InvariantCulture));
                return true;
            case JsonValue v when v.TryGetValue<double>(out var d):
                sb.Append(Float(d));
                return true;
            default:
                return false;
        }
    }

    private static bool TryWriteElement(StringBuilder sb, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Number:
                // Python's json.loads made an int of "5" and a float of "5.0"; dumps writes them back the same way.
                var raw = element.GetRawText();
                if (raw.AsSpan().IndexOfAny('.', 'e', 'E') < 0) sb.Append(raw);
                else sb.Append(Float(element.GetDouble()));
                return true;
            case JsonValueKind.String:
                WriteString(sb, element.GetString()!);
                return true;
            case JsonValueKind.True:
                sb.Append("true");
                return true;
            case JsonValueKind.False:
                sb.Append("false");
                return true;
            case JsonValueKind.Null:
                sb.Append("null");
                return true;
            default:
                return TryWriteJson(sb, JsonNode.Parse(element.GetRawText())!, 1);
        }
    }

    private static string Float(double d) => d switch
    {
        double.NaN => "NaN",
        double.PositiveInfinity => "Infinity",
        double.NegativeInfinity => "-Infinity",
        _ => PyText.Float(d),
    };

    /// <summary>A JSON string with <c>ensure_ascii</c>: every non-ASCII UTF-16 unit as <c>\uXXXX</c>.</summary>
    private static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20 || c > 0x7e) sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
                    else sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }
}
