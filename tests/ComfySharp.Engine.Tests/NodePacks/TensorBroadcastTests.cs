using ComfySharp.Engine.Tensors;

namespace ComfySharp.Engine.Tests.NodePacks;

/// <summary>torch's broadcasting, which the test pack's image arithmetic relies on.</summary>
public sealed class TensorBroadcastTests
{
    [Fact]
    public void Shapes_broadcast_from_the_last_dimension()
    {
        Assert.Equal([2, 4, 4, 3], Tensor.BroadcastShapes([1, 4, 4, 1], [2, 4, 4, 3]));
        Assert.Equal([2, 4, 4, 3], Tensor.BroadcastShapes([4, 4, 3], [2, 1, 1, 1]));
        var error = Assert.Throws<InvalidOperationException>(() => Tensor.BroadcastShapes([1, 64, 64, 3], [1, 32, 32, 3]));
        Assert.Equal("The size of tensor a (64) must match the size of tensor b (32) at non-singleton dimension 2", error.Message);
    }

    [Fact]
    public void Size_one_dimensions_repeat()
    {
        var column = new Tensor([2, 1], [1, 2]);
        Assert.Equal([1f, 1, 1, 2, 2, 2], column.BroadcastTo(2, 3).Span.ToArray());
        var row = new Tensor([3], [1, 2, 3]);
        Assert.Equal([1f, 2, 3, 1, 2, 3], row.BroadcastTo(2, 3).Span.ToArray());
        var middle = new Tensor([2, 1, 2], [1, 2, 3, 4]);
        Assert.Equal([1f, 2, 1, 2, 3, 4, 3, 4], middle.BroadcastTo(2, 2, 2).Span.ToArray());
    }

    [Fact]
    public void Matching_shapes_are_not_copied()
    {
        var t = Tensor.Zeros(1, 2, 2, 3);
        Assert.Same(t, t.BroadcastTo(1, 2, 2, 3));
        Assert.Throws<InvalidOperationException>(() => t.BroadcastTo(1, 2, 2, 4));
    }
}
