using System.Text.Json.Nodes;
using ComfySharp.Engine.Tensors;
using ComfySharp.Nodes.Core.Preview;
using ComfySharp.Nodes.Testing.Lists;

namespace ComfySharp.Engine.Tests.NodePacks;

/// <summary>PreviewAny's text: str() for scalars, json.dumps for containers, str() when JSON cannot hold the value.</summary>
public sealed class PreviewAnyFormatTests
{
    [Theory]
    [InlineData("text", "text")]
    [InlineData(5L, "5")]
    [InlineData(1.0, "1.0")]
    [InlineData(1e-5, "1e-05")]
    [InlineData(true, "True")]
    [InlineData(null, "None")]
    public void Scalars_print_as_python_str(object? value, string expected) => Assert.Equal(expected, PreviewAny.Format(value));

    [Fact]
    public void Containers_print_as_json_dumps()
    {
        Assert.Equal("[1, \"a\", 2.5, null, true]", PreviewAny.Format(new List<object?> { 1L, "a", 2.5, null, true }));
        Assert.Equal("{\"a\": [1, 2.0], \"b\": \"\\u00e9\\n\"}", PreviewAny.Format(JsonNode.Parse("{\"a\": [1, 2.0], \"b\": \"é\\n\"}")));
        Assert.Equal("[NaN, Infinity]", PreviewAny.Format(new List<object?> { double.NaN, double.PositiveInfinity }));
        Assert.Equal("{\"accum\": [1, \"x\"]}", PreviewAny.Format(new Accumulation([1L, "x"])));
    }

    [Fact]
    public void What_json_cannot_hold_prints_as_str()
    {
        Assert.Equal("Tensor[1, 2, 2, 3]", PreviewAny.Format(Tensor.Zeros(1, 2, 2, 3)));
        Assert.Equal("['a', Tensor[2]]", PreviewAny.Format(new List<object?> { "a", Tensor.Zeros(2) }));
    }
}
