using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Testing.Specific;

/// <summary>
/// specific_tests.py TestMixedExpansionReturns: per call, a plain result (input ≤ 0.1), a result dict without expansion (≤ 0.2,
/// the same thing here), or an expansion mixing black and white at 0.3; the second output is always a white image.
/// </summary>
internal sealed class TestMixedExpansionReturns : INode
{
    public static NodeSchema Schema { get; } = new("TestMixedExpansionReturns", SpecificTests.Category)
    {
        DisplayName = "Mixed Expansion Returns",
        PythonModule = TestPack.Module,
        Inputs = [Input.Of("input1", "FLOAT")],
        Outputs = [Output.Image(), Output.Image()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var white = Tensor.Full(1f, 1, 512, 512, 3);
        var value = args.Float("input1");
        if (value <= 0.1) return ValueTask.FromResult(NodeOutput.From(Tensor.Full(0.1f, 1, 512, 512, 3), white));
        if (value <= 0.2) return ValueTask.FromResult(NodeOutput.From(Tensor.Full(0.2f, 1, 512, 512, 3), white));
        var g = context.CreateGraphBuilder();
        var mask = g.Node("StubMask").Set("value", 0.3).Set("height", 512L).Set("width", 512L).Set("batch_size", 1L);
        var black = g.Node("StubImage").Set("content", "BLACK").Set("height", 512L).Set("width", 512L).Set("batch_size", 1L);
        var whiteNode = g.Node("StubImage").Set("content", "WHITE").Set("height", 512L).Set("width", 512L).Set("batch_size", 1L);
        var mix = g.Node("TestLazyMixImages").Set("image1", black.Out(0)).Set("image2", whiteNode.Out(0)).Set("mask", mask.Out(0));
        return ValueTask.FromResult(NodeOutput.Expand(g.Finalize(mix.Out(0), white)));
    }
}
