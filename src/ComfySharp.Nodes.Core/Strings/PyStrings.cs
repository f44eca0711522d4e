using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ComfySharp.Nodes.Core.Strings;

/// <summary>Python string semantics the string nodes reproduce (code-point indexing, title case, re flags and replacements).</summary>
internal static class PyStrings
{
    public static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(5);

    /// <summary><c>s[start:end]</c> on code points, with Python's negative indices and clamping.</summary>
    public static string Slice(string s, long start, long end)
    {
        var runes = s.EnumerateRunes().ToArray();
        var n = runes.Length;
        var from = Clamp(start, n);
        var to = Clamp(end, n);
        if (to <= from) return "";
        var sb = new StringBuilder();
        for (var i = from; i < to; i++) sb.Append(runes[i].ToString());
        return sb.ToString();
    }

    private static int Clamp(long index, int n)
    {
        if (index < 0) index += n;
        return (int)Math.Clamp(index, 0, n);
    }

    public static int Length(string s)
    {
        var count = 0;
        foreach (var _ in s.EnumerateRunes()) count++;
        return count;
    }

    /// <summary><c>str.capitalize()</c>: first character upper case, the rest lower case.</summary>
    public static string Capitalize(string s) =>
        s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant();

    /// <summary><c>str.title()</c>: a letter after a non-letter is upper case, every other letter lower case.</summary>
    public static string Title(string s)
    {
        var sb = new StringBuilder(s.Length);
        var previousCased = false;
        foreach (var c in s)
        {
            var letter = char.IsLetter(c);
            sb.Append(letter ? previousCased ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c) : c);
            previousCased = letter;
        }
        return sb.ToString();
    }

    /// <summary><c>str.replace(find, replace)</c>; an empty <paramref name="find"/> inserts between every character as Python does.</summary>
    public static string Replace(string s, string find, string replace)
    {
        if (find.Length > 0) return s.Replace(find, replace, StringComparison.Ordinal);
        var sb = new StringBuilder(replace);
        foreach (var rune in s.EnumerateRunes()) sb.Append(rune.ToString()).Append(replace);
        return sb.ToString();
    }

    /// <summary>Python's re flags; .NET's Multiline and Singleline mean what re.MULTILINE and re.DOTALL mean.</summary>
    public static RegexOptions Options(bool caseInsensitive, bool multiline, bool dotall)
    {
        var options = RegexOptions.CultureInvariant;
        if (caseInsensitive) options |= RegexOptions.IgnoreCase;
        if (multiline) options |= RegexOptions.Multiline;
        if (dotall) options |= RegexOptions.Singleline;
        return options;
    }

    /// <summary>
    /// Python pattern syntax that .NET spells differently: named groups <c>(?P&lt;name&gt;…)</c> and back references <c>(?P=name)</c>.
    /// </summary>
    public static string Pattern(string pattern) =>
        pattern.Replace("(?P<", "(?<", StringComparison.Ordinal).Replace("(?P=", @"\k<", StringComparison.Ordinal) is var p && p.Contains(@"\k<", StringComparison.Ordinal)
            ? FixBackReferences(p)
            : p;

    private static string FixBackReferences(string p)
    {
        // (?P=name) became \k<name) — close it with '>' instead of ')'.
        var sb = new StringBuilder(p.Length);
        var i = 0;
        while (i < p.Length)
        {
            var k = p.IndexOf(@"\k<", i, StringComparison.Ordinal);
            if (k < 0)
            {
                sb.Append(p, i, p.Length - i);
                break;
            }
            var close = p.IndexOf(')', k);
            if (close < 0)
            {
                sb.Append(p, i, p.Length - i);
                break;
            }
            sb.Append(p, i, k - i).Append(p, k, close - k).Append('>');
            i = close + 1;
        }
        return sb.ToString();
    }

    /// <summary>A Python <c>re.sub</c> replacement (<c>\1</c>, <c>\g&lt;name&gt;</c>, <c>\n</c>) as a .NET one (<c>${1}</c>, literal <c>$$</c>).</summary>
    public static string Replacement(string python)
    {
        var sb = new StringBuilder(python.Length);
        for (var i = 0; i < python.Length; i++)
        {
            var c = python[i];
            if (c == '$')
            {
                sb.Append("$$");
                continue;
            }
            if (c != '\\' || i + 1 >= python.Length)
            {
                sb.Append(c);
                continue;
            }
            var next = python[++i];
            if (char.IsAsciiDigit(next))
            {
                var start = i;
                while (i + 1 < python.Length && char.IsAsciiDigit(python[i + 1]) && i - start < 1) i++;
                sb.Append("${").Append(python, start, i - start + 1).Append('}');
            }
            else if (next == 'g' && i + 1 < python.Length && python[i + 1] == '<' && python.IndexOf('>', i) is var end and > 0)
            {
                sb.Append("${").Append(python, i + 2, end - i - 2).Append('}');
                i = end;
            }
            else
            {
                sb.Append(next switch
                {
                    'n' => "\n",
                    't' => "\t",
                    'r' => "\r",
                    'f' => "\f",
                    'v' => "\v",
                    'a' => "\a",
                    '\\' => "\\",
                    _ => "\\" + next.ToString(CultureInfo.InvariantCulture),
                });
            }
        }
        return sb.ToString();
    }
}
