using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;
using ComfySharp.Nodes.Image.Resampling;

namespace ComfySharp.Nodes.Image.Transform;

/// <summary><c>ImageScaleToTotalPixels</c>: keeps the aspect ratio and aims at <c>megapixels · 1024²</c> pixels.</summary>
internal sealed class ImageScaleToTotalPixels : INode
{
    public static NodeSchema Schema { get; } = new("ImageScaleToTotalPixels", "image/upscaling")
    {
        DisplayName = "Scale Image to Total Pixels",
        PythonModule = "comfy_extras.nodes_post_processing",
        Inputs = [Input.Of("image", "IMAGE"), Input.Combo("upscale_method", Resize.Methods), Input.Float("megapixels", 1.0, 0.01m, 16.0m, 0.01m)],
        Outputs = [Output.Image()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var image = args.Get<Tensor>("image");
        var (_, h, w, _) = ImageTensors.ImageShape(image);
        var total = (long)(args.Float("megapixels") * 1024 * 1024);
        var scale = Math.Sqrt(total / (double)(w * h));
        var width = (int)Math.Round(w * scale, MidpointRounding.ToEven);
        var height = (int)Math.Round(h * scale, MidpointRounding.ToEven);
        return ValueTask.FromResult(NodeOutput.From(Resize.Image(image, width, height, args.String("upscale_method"), "disabled")));
    }
}
