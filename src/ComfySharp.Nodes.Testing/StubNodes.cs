using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Testing;

// stubs.py of ComfyUI's execution test pack.

internal static class StubSizes
{
    /// <summary>height, width and batch_size with the stubs' (generous) bounds.</summary>
    public static readonly InputSpec[] Inputs =
    [
            Input.Int("height", 512, min: 1, max: 1024L * 1024 * 1024, step: 1),
            Input.Int("width", 512, min: 1, max: 4096L * 4096 * 4096, step: 1),
            Input.Int("batch_size", 1, min: 1, max: 1024L * 1024 * 1024, step: 1),
    ];
}

internal sealed class StubImage : INode
{
    public static NodeSchema Schema { get; } = new("StubImage", "Testing/Stub Nodes")
    {
        DisplayName = "Stub Image",
        PythonModule = TestingSchemas.Module,
        Inputs = [Input.Combo("content", ["WHITE", "BLACK", "NOISE"]), .. StubSizes.Inputs],
        Outputs = [Output.Image()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var shape = TestingSchemas.ImageShape(args.Int("batch_size"), args.Int("height"), args.Int("width"));
        var image = args.String("content") switch
        {
            "WHITE" => Tensor.Full(1f, shape),
            "BLACK" => Tensor.Zeros(shape),
            _ => Tensor.Random(Random.Shared, shape),
        };
        return ValueTask.FromResult(NodeOutput.From(image));
    }
}

internal sealed class StubConstantImage : INode
{
    public static NodeSchema Schema { get; } = new("StubConstantImage", "Testing/Stub Nodes")
    {
        DisplayName = "Stub Constant Image",
        PythonModule = TestingSchemas.Module,
        Inputs = [Input.Float("value", 0.5, min: 0, max: 1, step: 0.01m), .. StubSizes.Inputs],
        Outputs = [Output.Image()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(Tensor.Full((float)args.Float("value"),
            TestingSchemas.ImageShape(args.Int("batch_size"), args.Int("height"), args.Int("width")))));
}

internal sealed class StubMask : INode
{
    public static NodeSchema Schema { get; } = new("StubMask", "Testing/Stub Nodes")
    {
        DisplayName = "Stub Mask",
        PythonModule = TestingSchemas.Module,
        Inputs = [Input.Float("value", 0.5, min: 0, max: 1, step: 0.01m), .. StubSizes.Inputs],
        Outputs = [Output.Mask()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(Tensor.Full((float)args.Float("value"),
            checked((int)args.Int("batch_size")), checked((int)args.Int("height")), checked((int)args.Int("width")))));
}

internal sealed class StubInt : INode
{
    public static NodeSchema Schema { get; } = new("StubInt", "Testing/Stub Nodes")
    {
        DisplayName = "Stub Int",
        PythonModule = TestingSchemas.Module,
        Inputs = [Input.Int("value", 0, min: -0xffffffffL, max: 0xffffffffL, step: 1)],
        Outputs = [Output.Int()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(args["value"]));
}

internal sealed class StubFloat : INode
{
    public static NodeSchema Schema { get; } = new("StubFloat", "Testing/Stub Nodes")
    {
        DisplayName = "Stub Float",
        PythonModule = TestingSchemas.Module,
        Inputs = [Input.Float("value", 0, min: -1.0e28m, max: 1.0e28m, step: 0.01m)],
        Outputs = [Output.Float()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(args["value"]));
}
