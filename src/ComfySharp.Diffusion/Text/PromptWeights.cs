using System.Globalization;

namespace ComfySharp.Diffusion.Text;

/// <summary>
/// ComfyUI's prompt emphasis: <c>(text)</c> multiplies the weight by 1.1, <c>(text:1.3)</c> sets it, nesting
/// compounds, <c>\(</c> and <c>\)</c> are literal parentheses. Square brackets are plain text in ComfyUI (no
/// de-emphasis), and so they are here: the same prompt must give the same conditioning.
/// </summary>
internal static class PromptWeights
{
    // ComfyUI marks escaped parentheses with these two-character sequences while parsing.
    private const string EscapedClose = "\0\u0001";
    private const string EscapedOpen = "\0\u0002";

    /// <summary>The prompt as (text, weight) segments in order, escapes resolved.</summary>
    public static List<(string Text, double Weight)> Parse(string prompt)
    {
        var escaped = prompt.Replace("\\)", EscapedClose, StringComparison.Ordinal).Replace("\\(", EscapedOpen, StringComparison.Ordinal);
        var segments = new List<(string, double)>();
        Weigh(escaped, 1.0, segments);
        for (var i = 0; i < segments.Count; i++)
        {
            var (text, weight) = segments[i];
            segments[i] = (text.Replace(EscapedClose, ")", StringComparison.Ordinal).Replace(EscapedOpen, "(", StringComparison.Ordinal), weight);
        }
        return segments;
    }

    private static void Weigh(string text, double weight, List<(string, double)> output)
    {
        foreach (var part in SplitTopLevel(text))
        {
            if (part.Length >= 2 && part[0] == '(' && part[^1] == ')')
            {
                var inner = part[1..^1];
                var inherited = weight * 1.1;
                var colon = inner.LastIndexOf(':');
                if (colon > 0 && TryParsePythonFloat(inner[(colon + 1)..], out var explicitWeight))
                {
                    inherited = explicitWeight;
                    inner = inner[..colon];
                }
                Weigh(inner, inherited, output);
            }
            else
            {
                output.Add((part, weight));
            }
        }
    }

    /// <summary>Top-level parenthesised groups and the text between them; an unclosed group runs to the end.</summary>
    private static List<string> SplitTopLevel(string text)
    {
        var parts = new List<string>();
        var current = new System.Text.StringBuilder();
        var depth = 0;
        foreach (var c in text)
        {
            if (c == '(')
            {
                if (depth == 0 && current.Length > 0)
                {
                    parts.Add(current.ToString());
                    current.Clear();
                }
                current.Append(c);
                depth++;
            }
            else if (c == ')')
            {
                depth--;
                if (depth == 0)
                {
                    parts.Add(current.Append(')').ToString());
                    current.Clear();
                }
                else
                {
                    current.Append(c);
                }
            }
            else
            {
                current.Append(c);
            }
        }
        if (current.Length > 0) parts.Add(current.ToString());
        return parts;
    }

    /// <summary>Python's float(): surrounding whitespace, exponents, inf/nan, underscores between digits.</summary>
    internal static bool TryParsePythonFloat(string text, out double value)
    {
        var t = text.Trim();
        if (t.Contains('_', StringComparison.Ordinal))
        {
            for (var i = 0; i < t.Length; i++)
            {
                if (t[i] == '_' && (i == 0 || i == t.Length - 1 || !char.IsAsciiDigit(t[i - 1]) || !char.IsAsciiDigit(t[i + 1])))
                {
                    value = 0;
                    return false;
                }
            }
            t = t.Replace("_", "", StringComparison.Ordinal);
        }
        var body = t.TrimStart('+', '-');
        var negative = t.StartsWith('-');
        if (body.Length == t.Length - 1 || body.Length == t.Length)
        {
            if (body.Equals("inf", StringComparison.OrdinalIgnoreCase) || body.Equals("infinity", StringComparison.OrdinalIgnoreCase))
            {
                value = negative ? double.NegativeInfinity : double.PositiveInfinity;
                return true;
            }
            if (body.Equals("nan", StringComparison.OrdinalIgnoreCase))
            {
                value = double.NaN;
                return true;
            }
        }
        if (t.Length == 0 || t.Contains(',', StringComparison.Ordinal) || !(char.IsAsciiDigit(t[^1]) || t[^1] == '.'))
        {
            value = 0;
            return false;
        }
        return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }
}
