using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Testing.Stubs;

/// <summary>stubs.py StubImage: a white, black or uniformly random (<c>torch.rand</c>, unseeded) image batch.</summary>
internal sealed class StubImage : INode
{
    public static NodeSchema Schema { get; } = new("StubImage", StubSizes.Category)
    {
        DisplayName = "Stub Image",
        PythonModule = TestPack.Module,
        Inputs = [Input.Combo("content", ["WHITE", "BLACK", "NOISE"]), .. StubSizes.Inputs],
        Outputs = [Output.Image()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var shape = StubSizes.ImageShape(args);
        var image = args.String("content") switch
        {
            "WHITE" => Tensor.Full(1f, shape),
            "BLACK" => Tensor.Zeros(shape),
            "NOISE" => Tensor.Random(Random.Shared, shape),
            // Python falls off the end and returns None.
            _ => throw new InvalidOperationException("StubImage returned no value."),
        };
        return ValueTask.FromResult(NodeOutput.From(image));
    }
}
