using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Image.Masks;

/// <summary><c>InvertMask</c>: <c>1 − mask</c>.</summary>
internal sealed class InvertMask : INode
{
    public static NodeSchema Schema { get; } = new("InvertMask", "mask")
    {
        PythonModule = MaskNode.Module,
        Inputs = [Input.Of("mask", "MASK")],
        Outputs = [Output.Mask()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(args.Get<Tensor>("mask").OneMinus()));
}
