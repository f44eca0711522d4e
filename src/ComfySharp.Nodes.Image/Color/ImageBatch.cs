using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;
using ComfySharp.Nodes.Image.Resampling;

namespace ComfySharp.Nodes.Image.Color;

/// <summary><c>ImageBatch</c>: image2 appended to image1, first resized (bilinear, centre crop) when their sizes differ.</summary>
internal sealed class ImageBatch : INode
{
    public static NodeSchema Schema { get; } = new("ImageBatch", "image")
    {
        DisplayName = "Batch Images",
        Inputs = [Input.Of("image1", "IMAGE"), Input.Of("image2", "IMAGE")],
        Outputs = [Output.Image()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var image1 = args.Get<Tensor>("image1");
        var image2 = args.Get<Tensor>("image2");
        var (_, h, w, _) = ImageTensors.ImageShape(image1);
        if (!image1.Shape.AsSpan(1).SequenceEqual(image2.Shape.AsSpan(1))) image2 = Resize.Image(image2, w, h, "bilinear", "center");
        return ValueTask.FromResult(NodeOutput.From(Tensor.ConcatBatch([image1, image2])));
    }
}
