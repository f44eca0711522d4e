using System.Globalization;
using System.Text;

namespace ComfySharp.Nodes.Core.Strings;

/// <summary>
/// Python's <c>str</c> semantics that the string nodes reproduce: indexing and length count code points, not UTF-16 units;
/// <c>strip</c> knows Python's whitespace; <c>title</c>/<c>capitalize</c> follow CPython's cased-character rule.
/// Case mapping is .NET's invariant simple mapping: Python's full mapping also expands a few characters ('ß'.upper() is "SS").
/// </summary>
internal static class PyStrings
{
    /// <summary><c>s[start:end]</c> on code points, with Python's negative indices and clamping.</summary>
    public static string Slice(string s, long start, long end)
    {
        var n = Length(s);
        var from = Clamp(start, n);
        var to = Clamp(end, n);
        if (to <= from) return "";
        var sb = new StringBuilder();
        var i = 0;
        foreach (var rune in s.EnumerateRunes())
        {
            if (i >= to) break;
            if (i >= from) sb.Append(rune.ToString());
            i++;
        }
        return sb.ToString();
    }

    private static int Clamp(long index, int n)
    {
        if (index < 0) index += n;
        return (int)Math.Clamp(index, 0, n);
    }

    /// <summary><c>len(s)</c>: code points.</summary>
    public static int Length(string s)
    {
        var count = 0;
        foreach (var _ in s.EnumerateRunes()) count++;
        return count;
    }

    public static string Upper(string s) => s.ToUpperInvariant();

    public static string Lower(string s) => s.ToLowerInvariant();

    /// <summary><c>str.capitalize()</c>: the first character upper (title) case, the rest lower case.</summary>
    public static string Capitalize(string s)
    {
        if (s.Length == 0) return s;
        var first = Rune.GetRuneAt(s, 0);
        return Rune.ToUpperInvariant(first).ToString() + s[first.Utf16SequenceLength..].ToLowerInvariant();
    }

    /// <summary><c>str.title()</c>: a character after a cased one is lower-cased, any other is upper-cased (so "they're" → "They'Re").</summary>
    public static string Title(string s)
    {
        var sb = new StringBuilder(s.Length);
        var previousCased = false;
        foreach (var rune in s.EnumerateRunes())
        {
            var mapped = previousCased ? Rune.ToLowerInvariant(rune) : Rune.ToUpperInvariant(rune);
            sb.Append(mapped.ToString());
            previousCased = IsCased(mapped);
        }
        return sb.ToString();
    }

    // CPython's _PyUnicode_IsCased: upper, lower or title case letters.
    private static bool IsCased(Rune rune) => Rune.GetUnicodeCategory(rune) is UnicodeCategory.UppercaseLetter
        or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter;

    /// <summary><c>str.strip()</c> family. Python's whitespace also holds the separators U+001C–U+001F, which .NET's does not.</summary>
    public static string Strip(string s, bool left, bool right)
    {
        var start = 0;
        var end = s.Length;
        if (left)
        {
            while (start < end && IsWhitespace(s[start])) start++;
        }
        if (right)
        {
            while (end > start && IsWhitespace(s[end - 1])) end--;
        }
        return s[start..end];
    }

    private static bool IsWhitespace(char c) => char.IsWhiteSpace(c) || c is >= '\x1c' and <= '\x1f';

    /// <summary><c>str.replace(find, replace)</c>; an empty <paramref name="find"/> inserts between every character as Python does.</summary>
    public static string Replace(string s, string find, string replace)
    {
        if (find.Length > 0) return s.Replace(find, replace, StringComparison.Ordinal);
        var sb = new StringBuilder(replace);
        foreach (var rune in s.EnumerateRunes()) sb.Append(rune.ToString()).Append(replace);
        return sb.ToString();
    }
}
