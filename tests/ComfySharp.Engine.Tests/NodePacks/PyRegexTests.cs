using ComfySharp.Nodes.Core.Strings;

namespace ComfySharp.Engine.Tests.NodePacks;

/// <summary>Python <c>re</c> behaviour on .NET's engine; expected values are what CPython 3.12 returns.</summary>
public sealed class PyRegexTests
{
    [Fact]
    public void Groups_are_numbered_by_opening_parenthesis_named_or_not()
    {
        // .NET alone would number (y) before the named group.
        var regex = PyRegex.Compile("(?P<first>x)(y)");
        var match = regex.Regex.Match("xy");
        Assert.Equal(2, regex.GroupCount);
        Assert.Equal("x", match.Groups[1].Value);
        Assert.Equal("y", match.Groups[2].Value);
    }

    [Fact]
    public void Named_back_references_and_conditionals_resolve_to_numbers()
    {
        Assert.Matches(PyRegex.Compile("(?P<q>['\"]).*(?P=q)").Regex, "say 'hi'");
        Assert.DoesNotMatch(PyRegex.Compile("^(?P<q>['\"])[a-z]*(?P=q)$").Regex, "'hi\"");
        Assert.Matches(PyRegex.Compile("^(?P<open><)?a(?(open)>)$").Regex, "<a>");
    }

    [Fact]
    public void Capital_z_is_the_very_end_as_in_python()
    {
        Assert.DoesNotMatch(PyRegex.Compile(@"a\Z").Regex, "a\n");
        Assert.Matches(PyRegex.Compile(@"a\Z").Regex, "a");
        Assert.Matches(PyRegex.Compile(@"a$").Regex, "a\n");
        // Inside a class, \Z is an error in both engines ("bad escape \Z" in Python).
        Assert.ThrowsAny<ArgumentException>(() => PyRegex.Compile(@"[\Z]"));
    }

    [Theory]
    [InlineData("(?<name>x)")]
    [InlineData("(?'name'x)")]
    [InlineData("(?P=missing)")]
    [InlineData("(unclosed")]
    [InlineData("a\\")]
    public void Patterns_python_rejects_are_errors(string pattern) =>
        Assert.ThrowsAny<ArgumentException>(() => PyRegex.Compile(pattern));

    [Fact]
    public void Flags_map_to_dotnet_options()
    {
        Assert.Matches(PyRegex.Compile("HELLO", ignoreCase: true).Regex, "hello");
        Assert.DoesNotMatch(PyRegex.Compile("HELLO").Regex, "hello");
        Assert.Matches(PyRegex.Compile("^b", multiline: true).Regex, "a\nb");
        Assert.DoesNotMatch(PyRegex.Compile("^b").Regex, "a\nb");
        Assert.Matches(PyRegex.Compile("a.b", dotAll: true).Regex, "a\nb");
        Assert.DoesNotMatch(PyRegex.Compile("a.b").Regex, "a\nb");
    }

    [Theory]
    [InlineData(@"(\w+) (\w+)", @"\2 \1", "hello world", 0, "world hello")]
    [InlineData(@"(?P<w>\w+)", @"<\g<w>>", "a b", 0, "<a> <b>")]
    [InlineData(@"(?P<w>\w+)", @"\g<1>!", "a b", 1, "a! b")]
    [InlineData("a", "$0", "aa", 0, "$0$0")]
    [InlineData("a", @"\n", "a", 0, "\n")]
    [InlineData("a", @"\&", "a", 0, @"\&")]
    [InlineData("a", @"\0", "a", 0, "\0")]
    [InlineData("x*", "-", "abxd", 0, "-a-b--d-")]
    [InlineData("(a)|b", @"[\1]", "ab", 0, "[a][]")]
    public void Substitution_follows_re_sub(string pattern, string template, string input, int count, string expected) =>
        Assert.Equal(expected, PyRegex.Compile(pattern).Substitute(input, template, count));

    [Theory]
    [InlineData(@"\q")]
    [InlineData(@"\2")]
    [InlineData(@"\g<nope>")]
    [InlineData("\\")]
    public void Bad_templates_are_errors(string template) =>
        Assert.ThrowsAny<ArgumentException>(() => PyRegex.Compile("(a)").Substitute("a", template, 0));

    [Theory]
    [InlineData("First Match", @"\d+", 1, "12")]
    [InlineData("All Matches", @"\d+", 1, "12\n345")]
    [InlineData("All Matches", @"(\d)(\d)", 1, "1\n3")]
    [InlineData("First Group", @"(\d)(\d)", 2, "2")]
    [InlineData("First Group", @"\d+", 0, "12")]
    [InlineData("First Group", @"(\d)", 2, "")]
    [InlineData("All Groups", @"(\d)(\d)", 2, "2\n4")]
    [InlineData("All Groups", @"\d+", 0, "")]
    public void Extract_modes_follow_the_python_node(string mode, string pattern, long group, string expected) =>
        Assert.Equal(expected, RegexExtract.Extract(PyRegex.Compile(pattern), "a12b345", mode, group));

    [Fact]
    public void Extracting_a_group_that_took_no_part_is_none()
    {
        Assert.Null(RegexExtract.Extract(PyRegex.Compile("(a)|(b)"), "b", "First Group", 1));
        Assert.Throws<InvalidOperationException>(() => RegexExtract.Extract(PyRegex.Compile("(a)|(b)"), "b", "All Groups", 1));
    }
}
