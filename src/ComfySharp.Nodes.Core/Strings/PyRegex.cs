using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ComfySharp.Nodes.Core.Strings;

/// <summary>
/// A Python <c>re</c> pattern run on .NET's <see cref="Regex"/>. The two engines share most syntax; what differs is translated:
/// <list type="bullet">
/// <item>Python numbers every group by its opening parenthesis, named or not; .NET numbers named groups after the unnamed ones.
/// Named groups therefore become plain groups here, and <c>(?P=name)</c>, <c>(?(name)…)</c> and <c>\g&lt;name&gt;</c> use numbers.</item>
/// <item><c>\Z</c> is the very end in Python (.NET's <c>\z</c>); .NET's <c>\Z</c> also matches before a final newline.</item>
/// <item><c>(?&lt;name&gt;…)</c> and <c>(?'name'…)</c> are .NET-only and rejected, as Python rejects them.</item>
/// <item>re.IGNORECASE, re.MULTILINE and re.DOTALL are <see cref="RegexOptions.IgnoreCase"/> (culture-invariant),
/// <see cref="RegexOptions.Multiline"/> and <see cref="RegexOptions.Singleline"/>.</item>
/// <item>Replacement templates follow <c>re.sub</c> (<c>\1</c>, <c>\g&lt;name&gt;</c>, <c>\n</c>; a <c>$</c> is literal) and are
/// applied by this class, never by .NET's <c>$</c> substitution syntax.</item>
/// </list>
/// Left as .NET has them: Unicode class details (<c>\w</c> also takes a few mark categories), <c>{,n}</c> (a literal in .NET,
/// <c>{0,n}</c> in Python 3.12+), possessive quantifiers and the inline flags <c>a</c>, <c>L</c>, <c>u</c>.
/// A pattern or template error is an <see cref="ArgumentException"/>, the counterpart of <c>re.error</c>.
/// </summary>
internal sealed class PyRegex
{
    /// <summary>A guard against catastrophic backtracking; Python has none, but a server must not hang on one prompt.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly Dictionary<string, int> _groupNames;

    private PyRegex(Regex regex, Dictionary<string, int> groupNames, int groupCount)
    {
        Regex = regex;
        _groupNames = groupNames;
        GroupCount = groupCount;
    }

    public Regex Regex { get; }

    /// <summary>Python's <c>pattern.groups</c>.</summary>
    public int GroupCount { get; }

    public static PyRegex Compile(string pattern, bool ignoreCase = false, bool multiline = false, bool dotAll = false)
    {
        var options = RegexOptions.CultureInvariant;
        if (ignoreCase) options |= RegexOptions.IgnoreCase;
        if (multiline) options |= RegexOptions.Multiline;
        if (dotAll) options |= RegexOptions.Singleline;
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        var translated = Translate(pattern, names, out var groupCount);
        return new PyRegex(new Regex(translated, options, Timeout), names, groupCount);
    }

    /// <summary><c>re.sub(pattern, template, s, count)</c>; <paramref name="count"/> 0 replaces every match.</summary>
    public string Substitute(string input, string template, int count)
    {
        var parts = ParseTemplate(template);
        return Regex.Replace(input, m => Expand(m, parts), count == 0 ? -1 : count);
    }

    private static string Expand(Match match, List<object> parts)
    {
        var sb = new StringBuilder();
        foreach (var part in parts)
        {
            if (part is string literal) sb.Append(literal);
            else sb.Append(match.Groups[(int)part].Value); // an unmatched group expands to "" (Python 3.5+)
        }
        return sb.ToString();
    }

    /// <summary>The pattern in .NET syntax, with every named group turned into a plain, Python-numbered one.</summary>
    internal static string Translate(string pattern, Dictionary<string, int> names, out int groupCount)
    {
        // Names are recorded as their groups open, so a reference before its group is unknown; Python rejects it too.
        var sb = new StringBuilder(pattern.Length);
        var groups = 0;
        var inClass = false;
        var i = 0;
        while (i < pattern.Length)
        {
            var c = pattern[i];
            if (c == '\\')
            {
                if (i + 1 >= pattern.Length) throw Error("bad escape (end of pattern)");
                var next = pattern[i + 1];
                sb.Append(!inClass && next == 'Z' ? @"\z" : pattern.AsSpan(i, 2));
                i += 2;
                continue;
            }
            if (inClass)
            {
                if (c == ']') inClass = false;
                sb.Append(c);
                i++;
                continue;
            }
            if (c == '[')
            {
                inClass = true;
                sb.Append(c);
                i++;
                // A ']' right after '[' or '[^' is a literal in both engines.
                if (i < pattern.Length && pattern[i] == '^') sb.Append(pattern[i++]);
                if (i < pattern.Length && pattern[i] == ']') sb.Append(pattern[i++]);
                continue;
            }
            if (c != '(')
            {
                sb.Append(c);
                i++;
                continue;
            }
            if (i + 1 >= pattern.Length || pattern[i + 1] != '?')
            {
                groups++;
                sb.Append('(');
                i++;
                continue;
            }
            var rest = pattern.AsSpan(i);
            if (rest.StartsWith("(?P<"))
            {
                var close = pattern.IndexOf('>', i + 4);
                if (close < 0) throw Error("missing >, unterminated name");
                var name = pattern[(i + 4)..close];
                CheckName(name);
                groups++;
                if (!names.TryAdd(name, groups)) throw Error($"redefinition of group name '{name}'");
                sb.Append('(');
                i = close + 1;
            }
            else if (rest.StartsWith("(?P="))
            {
                var close = pattern.IndexOf(')', i + 4);
                if (close < 0) throw Error("missing ), unterminated name");
                var name = pattern[(i + 4)..close];
                if (!names.TryGetValue(name, out var number)) throw Error($"unknown group name '{name}'");
                sb.Append(CultureInfo.InvariantCulture, $@"\k<{number}>");
                i = close + 1;
            }
            else if (rest.StartsWith("(?("))
            {
                var close = pattern.IndexOf(')', i + 3);
                if (close < 0) throw Error("missing ), unterminated name");
                var reference = pattern[(i + 3)..close];
                var number = names.TryGetValue(reference, out var n) ? n
                    : int.TryParse(reference, NumberStyles.None, CultureInfo.InvariantCulture, out n) ? n
                    : throw Error($"unknown group name '{reference}'");
                sb.Append(CultureInfo.InvariantCulture, $"(?({number})");
                i = close + 1;
            }
            else if (rest.StartsWith("(?#"))
            {
                // A comment may hold parentheses; copy it whole.
                var close = pattern.IndexOf(')', i + 3);
                if (close < 0) throw Error("missing ), unterminated comment");
                sb.Append(pattern, i, close - i + 1);
                i = close + 1;
            }
            else if ((rest.StartsWith("(?<") && !rest.StartsWith("(?<=") && !rest.StartsWith("(?<!")) || rest.StartsWith("(?'"))
            {
                throw Error($"unknown extension {rest[..3].ToString()}");
            }
            else
            {
                // (?:…), lookarounds, comments and inline flags: no group, same syntax.
                sb.Append("(?");
                i += 2;
            }
        }
        groupCount = groups;
        return sb.ToString();
    }

    private static void CheckName(string name)
    {
        if (name.Length == 0 || char.IsAsciiDigit(name[0])) throw Error($"bad character in group name '{name}'");
        foreach (var ch in name)
        {
            if (!char.IsLetterOrDigit(ch) && ch != '_') throw Error($"bad character in group name '{name}'");
        }
    }

    /// <summary>A <c>re.sub</c> template as literal strings and group numbers.</summary>
    internal List<object> ParseTemplate(string template)
    {
        var parts = new List<object>();
        var literal = new StringBuilder();
        var i = 0;
        while (i < template.Length)
        {
            var c = template[i++];
            if (c != '\\')
            {
                literal.Append(c);
                continue;
            }
            if (i >= template.Length) throw Error("bad escape (end of pattern)");
            var e = template[i++];
            if (e == 'g')
            {
                if (i >= template.Length || template[i] != '<') throw Error("missing <");
                var close = template.IndexOf('>', i + 1);
                if (close < 0) throw Error("missing >, unterminated name");
                var name = template[(i + 1)..close];
                i = close + 1;
                int group;
                if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var number)) group = number;
                else if (!_groupNames.TryGetValue(name, out group)) throw Error($"unknown group name '{name}'");
                AddGroup(parts, literal, group);
            }
            else if (e == '0')
            {
                // \0 and up to two more octal digits: a character.
                var value = 0;
                for (var n = 0; n < 2 && i < template.Length && IsOctal(template[i]); n++) value = value * 8 + (template[i++] - '0');
                literal.Append((char)value);
            }
            else if (char.IsAsciiDigit(e))
            {
                // \1 … \99 name a group, except three octal digits (\123), which are a character.
                if (i < template.Length && char.IsAsciiDigit(template[i]))
                {
                    var d2 = template[i];
                    if (IsOctal(e) && IsOctal(d2) && i + 1 < template.Length && IsOctal(template[i + 1]))
                    {
                        var value = (e - '0') * 64 + (d2 - '0') * 8 + (template[i + 1] - '0');
                        if (value > 0xff) throw Error($"octal escape value \\{e}{d2}{template[i + 1]} outside of range 0-0o377");
                        literal.Append((char)value);
                        i += 2;
                        continue;
                    }
                    i++;
                    AddGroup(parts, literal, (e - '0') * 10 + (d2 - '0'));
                }
                else
                {
                    AddGroup(parts, literal, e - '0');
                }
            }
            else
            {
                switch (e)
                {
                    case 'a': literal.Append('\a'); break;
                    case 'b': literal.Append('\b'); break;
                    case 'f': literal.Append('\f'); break;
                    case 'n': literal.Append('\n'); break;
                    case 'r': literal.Append('\r'); break;
                    case 't': literal.Append('\t'); break;
                    case 'v': literal.Append('\v'); break;
                    case '\\': literal.Append('\\'); break;
                    default:
                        // Unknown escapes of ASCII letters are errors; any other keeps its backslash.
                        if (char.IsAsciiLetter(e)) throw Error($"bad escape \\{e}");
                        literal.Append('\\').Append(e);
                        break;
                }
            }
        }
        if (literal.Length > 0) parts.Add(literal.ToString());
        return parts;
    }

    private void AddGroup(List<object> parts, StringBuilder literal, int group)
    {
        if (group > GroupCount) throw Error($"invalid group reference {group}");
        if (literal.Length > 0)
        {
            parts.Add(literal.ToString());
            literal.Clear();
        }
        parts.Add(group);
    }

    private static bool IsOctal(char c) => c is >= '0' and <= '7';

    private static ArgumentException Error(string message) => new(message);
}
