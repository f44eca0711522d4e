using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Testing.Stubs;

/// <summary>stubs.py StubMask: a mask batch filled with one value.</summary>
internal sealed class StubMask : INode
{
    public static NodeSchema Schema { get; } = new("StubMask", StubSizes.Category)
    {
        DisplayName = "Stub Mask",
        PythonModule = TestPack.Module,
        Inputs = [Input.Float("value", 0.5, min: 0, max: 1, step: 0.01m), .. StubSizes.Inputs],
        Outputs = [Output.Mask()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(Tensor.Full((float)args.Float("value"), StubSizes.MaskShape(args))));
}
