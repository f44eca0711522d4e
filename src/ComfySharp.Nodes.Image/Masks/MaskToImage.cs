using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Image.Masks;

/// <summary><c>MaskToImage</c>: the mask repeated into three channels.</summary>
internal sealed class MaskToImage : INode
{
    public static NodeSchema Schema { get; } = new("MaskToImage", "mask")
    {
        DisplayName = "Convert Mask to Image",
        PythonModule = MaskNode.Module,
        Inputs = [Input.Of("mask", "MASK")],
        Outputs = [Output.Image()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var mask = ImageTensors.AsMaskBatch(args.Get<Tensor>("mask"));
        var src = mask.Span;
        var image = new float[src.Length * 3];
        for (var i = 0; i < src.Length; i++) image[i * 3] = image[i * 3 + 1] = image[i * 3 + 2] = src[i];
        return ValueTask.FromResult(NodeOutput.From(new Tensor([mask.Shape[0], mask.Shape[1], mask.Shape[2], 3], image)));
    }
}
