using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace ComfySharp.Engine.Validation;

/// <summary>
/// Formats values the way Python's <c>str()</c>/<c>repr()</c> does, because ComfyUI's error texts embed them
/// (<c>Value -1.0 smaller than min of 0.0</c>, <c>'foo' not in ['a', 'b']</c>).
/// </summary>
public static class PyText
{
    public static string Float(double value)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsPositiveInfinity(value)) return "inf";
        if (double.IsNegativeInfinity(value)) return "-inf";
        if (value == Math.Floor(value) && Math.Abs(value) < 1e16) return value.ToString("0.0", CultureInfo.InvariantCulture);
        var r = value.ToString("R", CultureInfo.InvariantCulture);
        var e = r.IndexOf('E', StringComparison.Ordinal);
        if (e < 0) return r;
        // Python writes 1e-05 where .NET writes 1E-05.
        var mantissa = r[..e];
        var exponent = int.Parse(r[(e + 1)..], CultureInfo.InvariantCulture);
        return $"{mantissa}e{(exponent < 0 ? "-" : "+")}{Math.Abs(exponent):00}";
    }

    public static string Decimal(decimal value, bool asFloat) =>
        asFloat ? Float((double)value) : value.ToString("0", CultureInfo.InvariantCulture);

    /// <summary>Python's <c>str(value)</c> for the CLR values validation produces.</summary>
    public static string Str(object? value) => value switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        double d => Float(d),
        float f => Float(f),
        long l => l.ToString(CultureInfo.InvariantCulture),
        ulong u => u.ToString(CultureInfo.InvariantCulture),
        string s => s,
        JsonNode n => Str(n),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    public static string Str(JsonNode? node) => node switch
    {
        null => "None",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<bool>(out var b) => b ? "True" : "False",
        JsonValue v when v.TryGetValue<long>(out var l) => l.ToString(CultureInfo.InvariantCulture),
        JsonValue v when v.TryGetValue<double>(out var d) => Float(d),
        JsonArray a => ListRepr(a),
        JsonObject o => DictRepr(o),
        _ => node.ToJsonString(),
    };

    public static string Repr(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? Quote(s) : Str(node);

    public static string Quote(string s) => s.Contains('\'', StringComparison.Ordinal) && !s.Contains('"', StringComparison.Ordinal)
        ? "\"" + s + "\""
        : "'" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    public static string List(IReadOnlyList<string> items)
    {
        var sb = new StringBuilder("[");
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(Quote(items[i]));
        }
        return sb.Append(']').ToString();
    }

    private static string ListRepr(JsonArray a)
    {
        var sb = new StringBuilder("[");
        for (var i = 0; i < a.Count; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(Repr(a[i]));
        }
        return sb.Append(']').ToString();
    }

    private static string DictRepr(JsonObject o)
    {
        var sb = new StringBuilder("{");
        var first = true;
        foreach (var (k, v) in o)
        {
            if (!first) sb.Append(", ");
            first = false;
            sb.Append(Quote(k)).Append(": ").Append(Repr(v));
        }
        return sb.Append('}').ToString();
    }
}
