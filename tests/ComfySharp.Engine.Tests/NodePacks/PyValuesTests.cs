using System.Text.Json.Nodes;
using ComfySharp.Engine.Tensors;
using ComfySharp.Nodes.Testing;
using ComfySharp.Nodes.Testing.Lists;

namespace ComfySharp.Engine.Tests.NodePacks;

/// <summary>Python truthiness and <c>*</c> as the test nodes apply them.</summary>
public sealed class PyValuesTests
{
    [Fact]
    public void Truthiness_follows_python()
    {
        Assert.False(PyValues.Truthy(null));
        Assert.False(PyValues.Truthy(0L));
        Assert.False(PyValues.Truthy(""));
        Assert.False(PyValues.Truthy(new JsonArray()));
        Assert.False(PyValues.Truthy(new List<object?>()));
        Assert.False(PyValues.Truthy(Tensor.Zeros(1, 2, 2, 3)));
        Assert.True(PyValues.Truthy("false"));
        Assert.True(PyValues.Truthy(double.NaN));
        Assert.True(PyValues.Truthy(Tensor.Full(0.5f, 1, 2, 2, 3)));
        Assert.True(PyValues.Truthy(new Accumulation([])));
    }

    [Fact]
    public void Multiplication_broadcasts_tensors_and_keeps_ints()
    {
        Assert.Equal(6L, PyValues.Multiply(2L, 3L));
        Assert.Equal(1.5, PyValues.Multiply(0.5, 3L));
        var image = (Tensor)PyValues.Multiply(Tensor.Full(0.5f, 1, 2, 2, 3), 2.0);
        Assert.Equal(1f, image.Max());
        var masked = (Tensor)PyValues.Multiply(Tensor.Full(1f, 1, 2, 2, 3), new Tensor([1, 2, 2, 1], [0, 1, 0, 1]));
        Assert.Equal([1, 2, 2, 3], masked.Shape);
        Assert.Equal(6f, masked.Span.ToArray().Sum());
        Assert.Throws<InvalidOperationException>(() => PyValues.Multiply("a", 2L));
    }
}
