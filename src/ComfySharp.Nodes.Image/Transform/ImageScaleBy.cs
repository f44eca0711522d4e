using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;
using ComfySharp.Nodes.Image.Resampling;

namespace ComfySharp.Nodes.Image.Transform;

/// <summary><c>ImageScaleBy</c>: both sides times <c>scale_by</c>, Python-rounded.</summary>
internal sealed class ImageScaleBy : INode
{
    public static NodeSchema Schema { get; } = new("ImageScaleBy", "image/upscaling")
    {
        DisplayName = "Upscale Image By",
        Inputs = [Input.Of("image", "IMAGE"), Input.Combo("upscale_method", Resize.Methods), Input.Float("scale_by", 1.0, 0.01m, 8.0m, 0.01m)],
        Outputs = [Output.Image()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var image = args.Get<Tensor>("image");
        var scale = args.Float("scale_by");
        var (_, h, w, _) = ImageTensors.ImageShape(image);
        var width = (int)Math.Round(w * scale, MidpointRounding.ToEven);
        var height = (int)Math.Round(h * scale, MidpointRounding.ToEven);
        return ValueTask.FromResult(NodeOutput.From(Resize.Image(image, width, height, args.String("upscale_method"), "disabled")));
    }
}
