using System.Globalization;
using System.Text.Json.Nodes;
using ComfySharp.Engine.Nodes;

namespace ComfySharp.Engine.Validation;

/// <summary>Turns API-format input JSON into engine values, and coerces constants the way ComfyUI's validation does.</summary>
public static class JsonInputs
{
    /// <summary>ComfyUI's <c>is_link</c>: a two-element list of a string node id and an integer slot.</summary>
    public static bool TryGetLink(JsonNode? node, out NodeLink link)
    {
        link = default;
        if (node is not JsonArray { Count: 2 } a) return false;
        if (a[0] is not JsonValue idValue || !idValue.TryGetValue<string>(out var id)) return false;
        if (a[1] is not JsonValue indexValue || !TryGetIndex(indexValue, out var index)) return false;
        link = new NodeLink(id, index);
        return true;
    }

    public static bool TryGetIndex(JsonValue value, out int index)
    {
        if (value.TryGetValue<int>(out index)) return true;
        if (value.TryGetValue<double>(out var d) && d == Math.Floor(d) && d is >= 0 and <= int.MaxValue)
        {
            index = (int)d;
            return true;
        }
        index = 0;
        return false;
    }

    /// <summary>A constant or link as an engine value: long, ulong, double, string, bool, <see cref="NodeLink"/>, or JSON for open values.</summary>
    public static object? ToClr(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonValue v:
                if (v.TryGetValue<string>(out var s)) return s;
                if (v.TryGetValue<bool>(out var b)) return b;
                if (v.TryGetValue<long>(out var l)) return l;
                if (v.TryGetValue<ulong>(out var u)) return u;
                if (v.TryGetValue<double>(out var d)) return d;
                return v.DeepClone();
            case JsonArray when TryGetLink(node, out var link):
                return link;
            default:
                return node.DeepClone();
        }
    }

    /// <summary>
    /// Coerces a constant to the declared type as ComfyUI does with Python's <c>int()</c>, <c>float()</c>, <c>str()</c>,
    /// <c>bool()</c> (so the string "false" becomes true). Other types pass through unchanged.
    /// </summary>
    public static bool TryCoerce(string type, JsonNode? node, out object? value, out JsonNode? json, out string? error)
    {
        error = null;
        switch (type)
        {
            case "INT":
                if (TryInt(node, out value, out error))
                {
                    json = value is ulong u ? JsonValue.Create(u) : JsonValue.Create((long)value!);
                    return true;
                }
                json = null;
                return false;
            case "FLOAT":
                if (TryFloat(node, out var d, out error))
                {
                    value = d;
                    json = FloatJson(d);
                    return true;
                }
                value = json = null;
                return false;
            case "STRING":
                if (node is JsonValue sv && sv.TryGetValue<string>(out var str))
                {
                    // Already a string: the node itself is its coerced JSON (no copy per constant of every prompt).
                    value = str;
                    json = node;
                    return true;
                }
                var s = PyText.Str(node);
                value = s;
                json = JsonValue.Create(s);
                return true;
            case "BOOLEAN":
                var b = Truthy(node);
                value = b;
                json = JsonValue.Create(b);
                return true;
            default:
                value = ToClr(node);
                json = node?.DeepClone();
                return true;
        }
    }

    /// <summary>
    /// A FLOAT as JSON that stays a float for Python readers: System.Text.Json writes 5.0 as <c>5</c>, which Python reads
    /// back as an int, so integral values keep their <c>.0</c>.
    /// </summary>
    public static JsonNode FloatJson(double d) =>
        double.IsFinite(d) && d == Math.Floor(d) && Math.Abs(d) < 1e16
            ? JsonNode.Parse(d.ToString("0.0", CultureInfo.InvariantCulture))!
            : JsonValue.Create(d);

    private static bool TryInt(JsonNode? node, out object? value, out string? error)
    {
        value = null;
        error = null;
        if (node is JsonValue v)
        {
            if (v.TryGetValue<long>(out var l)) { value = l; return true; }
            if (v.TryGetValue<ulong>(out var u)) { value = u; return true; }
            if (v.TryGetValue<bool>(out var b)) { value = b ? 1L : 0L; return true; }
            if (v.TryGetValue<double>(out var d))
            {
                if (double.IsNaN(d)) { error = "cannot convert float NaN to integer"; return false; }
                if (double.IsInfinity(d)) { error = "cannot convert float infinity to integer"; return false; }
                var t = Math.Truncate(d);
                if (t is >= long.MinValue and <= long.MaxValue) { value = (long)t; return true; }
                error = "integer out of range";
                return false;
            }
            if (v.TryGetValue<string>(out var s))
            {
                var trimmed = s.Trim().Replace("_", "", StringComparison.Ordinal);
                if (long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var pl)) { value = pl; return true; }
                if (ulong.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var pu)) { value = pu; return true; }
                error = $"invalid literal for int() with base 10: {PyText.Quote(s)}";
                return false;
            }
        }
        error = $"int() argument must be a string, a bytes-like object or a real number, not '{PyTypeName(node)}'";
        return false;
    }

    /// <remarks>
    /// Read as Python's <c>float()</c> reads (so <c>"nan"</c>, <c>"inf"</c> and <c>1e400</c> parse), but a value that is not
    /// finite is refused: JSON has no token for it, and every answer, event and history entry that carries the value is JSON
    /// (ComfyUI lets a NaN through and writes <c>NaN</c>, which JavaScript's JSON.parse refuses).
    /// </remarks>
    private static bool TryFloat(JsonNode? node, out double value, out string? error)
    {
        if (!TryPythonFloat(node, out value, out error)) return false;
        if (double.IsFinite(value)) return true;
        error = $"the value is {(double.IsNaN(value) ? "nan" : value > 0 ? "inf" : "-inf")}; only finite floats are accepted";
        return false;
    }

    private static bool TryPythonFloat(JsonNode? node, out double value, out string? error)
    {
        value = 0;
        error = null;
        if (node is JsonValue v)
        {
            if (v.TryGetValue<double>(out value)) return true;
            if (v.TryGetValue<bool>(out var b)) { value = b ? 1 : 0; return true; }
            if (v.TryGetValue<string>(out var s))
            {
                var t = s.Trim().ToLowerInvariant();
                switch (t)
                {
                    case "nan" or "+nan" or "-nan": value = double.NaN; return true;
                    case "inf" or "+inf" or "infinity" or "+infinity": value = double.PositiveInfinity; return true;
                    case "-inf" or "-infinity": value = double.NegativeInfinity; return true;
                }
                if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out value)) return true;
                error = $"could not convert string to float: {PyText.Quote(s)}";
                return false;
            }
        }
        error = $"float() argument must be a string or a real number, not '{PyTypeName(node)}'";
        return false;
    }

    private static bool Truthy(JsonNode? node) => node switch
    {
        null => false,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when v.TryGetValue<string>(out var s) => s.Length > 0,
        JsonValue v when v.TryGetValue<double>(out var d) => d != 0,
        JsonArray a => a.Count > 0,
        JsonObject o => o.Count > 0,
        _ => true,
    };

    private static string PyTypeName(JsonNode? node) => node switch
    {
        null => "NoneType",
        JsonArray => "list",
        JsonObject => "dict",
        _ => "object",
    };
}
