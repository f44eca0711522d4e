using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Testing.Specific;

/// <summary>
/// specific_tests.py TestLazyMixImages: <c>image1 * (1 - mask) + image2 * mask</c>, asking only for the images the mask needs
/// (none of image2 for an all-zero mask, none of image1 for an all-one mask).
/// </summary>
internal sealed class TestLazyMixImages : INode, ILazyInputs
{
    public static NodeSchema Schema { get; } = new("TestLazyMixImages", SpecificTests.Category)
    {
        DisplayName = "Lazy Mix Images",
        PythonModule = TestPack.Module,
        Inputs = [Input.Of("image1", "IMAGE", lazy: true), Input.Of("image2", "IMAGE", lazy: true), Input.Of("mask", "MASK")],
        Outputs = [Output.Image()],
    };

    public ValueTask<IReadOnlyList<string>> CheckLazyStatusAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var mask = args.Get<Tensor>("mask");
        var (min, max) = (mask.Min(), mask.Max());
        var needed = new List<string>(2);
        if (!args.Has("image1") && (min != 1f || max != 1f)) needed.Add("image1");
        if (!args.Has("image2") && (min != 0f || max != 0f)) needed.Add("image2");
        return ValueTask.FromResult<IReadOnlyList<string>>(needed);
    }

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var mask = args.Get<Tensor>("mask");
        var (min, max) = (mask.Min(), mask.Max());
        if (min == 0f && max == 0f) return ValueTask.FromResult(NodeOutput.From(args.GetValueOrDefault("image1")));
        if (min == 1f && max == 1f) return ValueTask.FromResult(NodeOutput.From(args.GetValueOrDefault("image2")));
        return ValueTask.FromResult(NodeOutput.From(Mix(args.Get<Tensor>("image1"), args.Get<Tensor>("image2"), mask)));
    }

    private static Tensor Mix(Tensor image1, Tensor image2, Tensor mask)
    {
        // As the Python node: a [H,W] mask gains a batch dimension, a [B,H,W] one a channel dimension, and everything broadcasts.
        if (mask.Rank == 2) mask = mask.Reshape(1, mask.Shape[0], mask.Shape[1]);
        if (mask.Rank == 3) mask = mask.Reshape(mask.Shape[0], mask.Shape[1], mask.Shape[2], 1);
        var shape = Tensor.BroadcastShapes(Tensor.BroadcastShapes(image1.Shape, mask.Shape), image2.Shape);
        var m = mask.BroadcastTo(shape);
        return image1.BroadcastTo(shape).Multiply(m.OneMinus()).Add(image2.BroadcastTo(shape).Multiply(m));
    }
}
