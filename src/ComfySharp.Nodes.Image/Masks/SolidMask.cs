using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Image.Masks;

/// <summary><c>SolidMask</c>: a [1,H,W] mask of one value.</summary>
internal sealed class SolidMask : INode
{
    public static NodeSchema Schema { get; } = new("SolidMask", "mask")
    {
        PythonModule = MaskNode.Module,
        Inputs =
        [
            Input.Float("value", 1.0, 0m, 1m, 0.01m), Input.Int("width", 512, 1, Input.MaxResolution, 1),
            Input.Int("height", 512, 1, Input.MaxResolution, 1),
        ],
        Outputs = [Output.Mask()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(Tensor.Full((float)args.Float("value"), 1, (int)args.Int("height"), (int)args.Int("width"))));
}
