using ComfySharp.Diffusion.Text;

namespace ComfySharp.Diffusion.Tests.Text;

public sealed class PromptWeightsTests
{
    private static (string, double)[] Parse(string s) => [.. PromptWeights.Parse(s)];

    [Fact]
    public void Plain_text_is_one_segment_at_weight_one() => Assert.Equal([("a cat", 1.0)], Parse("a cat"));

    [Fact]
    public void Explicit_weight() => Assert.Equal([("a ", 1.0), ("cat", 1.5), (" dog", 1.0)], Parse("a (cat:1.5) dog"));

    [Fact]
    public void Parentheses_multiply_by_1_1_and_nest()
    {
        var r = Parse("(cat) ((dog))");
        Assert.Equal("cat", r[0].Item1);
        Assert.Equal(1.1, r[0].Item2, 12);
        Assert.Equal((" ", 1.0), r[1]);
        Assert.Equal("dog", r[2].Item1);
        Assert.Equal(1.1 * 1.1, r[3 - 1].Item2, 12);
    }

    [Fact]
    public void Explicit_weight_applies_inside_and_nested_groups_start_from_it()
    {
        var r = Parse("(red (cat):0.5)");
        Assert.Equal(("red ", 0.5), r[0]);
        Assert.Equal("cat", r[1].Item1);
        Assert.Equal(0.55, r[1].Item2, 12);
    }

    [Fact]
    public void Last_colon_counts_and_a_non_number_is_text()
    {
        Assert.Equal([("a:b", 2.0)], Parse("(a:b:2)"));
        var r = Parse("(style:photo)");
        Assert.Equal("style:photo", r[0].Item1);
        Assert.Equal(1.1, r[0].Item2, 12);
        // A leading colon is not a weight (ComfyUI requires the colon after position 0).
        Assert.Equal(":2", Parse("(:2)")[0].Item1);
    }

    [Fact]
    public void Escaped_parentheses_are_literal()
        => Assert.Equal([("a (cat) here", 1.0)], Parse(@"a \(cat\) here"));

    [Fact]
    public void Square_brackets_are_plain_text_as_in_comfyui()
        => Assert.Equal([("[cat]", 1.0)], Parse("[cat]"));

    [Fact]
    public void Unbalanced_parentheses_do_not_throw()
    {
        Assert.Equal([("a ", 1.0), ("(cat", 1.0)], Parse("a (cat"));
        Assert.NotEmpty(Parse("cat) dog"));
        Assert.NotEmpty(Parse(")))((("));
    }

    [Theory]
    [InlineData(" 1.25 ", 1.25)]
    [InlineData("1e-1", 0.1)]
    [InlineData("-2", -2.0)]
    [InlineData("1_0", 10.0)]
    [InlineData(".5", 0.5)]
    [InlineData("5.", 5.0)]
    [InlineData("inf", double.PositiveInfinity)]
    public void Python_float_syntax(string text, double expected)
    {
        Assert.True(PromptWeights.TryParsePythonFloat(text, out var v));
        Assert.Equal(expected, v);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1,5")]
    [InlineData("_1")]
    [InlineData("1__0")]
    [InlineData("0x10")]
    [InlineData("abc")]
    public void Not_python_floats(string text) => Assert.False(PromptWeights.TryParsePythonFloat(text, out _));
}
