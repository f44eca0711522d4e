using ComfySharp.Nodes.Core.Strings;

namespace ComfySharp.Engine.Tests.NodePacks;

/// <summary>Python <c>str</c> behaviour of the string nodes; expected values are what CPython returns.</summary>
public sealed class PyStringsTests
{
    [Theory]
    [InlineData("hello", 1, 3, "el")]
    [InlineData("hello", -3, 100, "llo")]
    [InlineData("hello", 3, 1, "")]
    [InlineData("a😀b", 1, 2, "😀")]
    [InlineData("a😀b", -1, 3, "b")]
    public void Slices_count_code_points(string s, long start, long end, string expected) => Assert.Equal(expected, PyStrings.Slice(s, start, end));

    [Fact]
    public void Length_counts_code_points() => Assert.Equal(3, PyStrings.Length("a😀b"));

    [Theory]
    [InlineData("they're bill's friends", "They'Re Bill'S Friends")]
    [InlineData("hELLO wORLD", "Hello World")]
    [InlineData("1st place", "1St Place")]
    public void Title_follows_cpython(string s, string expected) => Assert.Equal(expected, PyStrings.Title(s));

    [Fact]
    public void Capitalize_lowers_the_rest() => Assert.Equal("Hello world", PyStrings.Capitalize("hELLO WORLD"));

    [Fact]
    public void Strip_knows_python_whitespace()
    {
        Assert.Equal("x", PyStrings.Strip("\x1c \t x\u3000\n", left: true, right: true));
        Assert.Equal("x \n", PyStrings.Strip("  x \n", left: true, right: false));
        Assert.Equal("  x", PyStrings.Strip("  x \n", left: false, right: true));
    }

    [Fact]
    public void Replacing_the_empty_string_inserts_everywhere() => Assert.Equal("-a-b-c-", PyStrings.Replace("abc", "", "-"));
}
