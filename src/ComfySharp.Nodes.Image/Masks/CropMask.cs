using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Image.Masks;

/// <summary><c>CropMask</c>: <c>mask[:, y:y+height, x:x+width]</c>.</summary>
internal sealed class CropMask : INode
{
    public static NodeSchema Schema { get; } = new("CropMask", "mask")
    {
        PythonModule = MaskNode.Module,
        Inputs =
        [
            Input.Of("mask", "MASK"), MaskNode.Position("x"), MaskNode.Position("y"),
            Input.Int("width", 512, 1, Input.MaxResolution, 1), Input.Int("height", 512, 1, Input.MaxResolution, 1),
        ],
        Outputs = [Output.Mask()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var mask = ImageTensors.AsMaskBatch(args.Get<Tensor>("mask"));
        return ValueTask.FromResult(NodeOutput.From(
            Regions.Crop(mask, (int)args.Int("x"), (int)args.Int("y"), (int)args.Int("width"), (int)args.Int("height"))));
    }
}
