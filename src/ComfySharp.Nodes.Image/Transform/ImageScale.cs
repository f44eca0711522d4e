using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;
using ComfySharp.Nodes.Image.Resampling;

namespace ComfySharp.Nodes.Image.Transform;

/// <summary><c>ImageScale</c>: to width×height; 0 for one side keeps the aspect ratio, 0 for both returns the image.</summary>
internal sealed class ImageScale : INode
{
    public static NodeSchema Schema { get; } = new("ImageScale", "image/upscaling")
    {
        DisplayName = "Upscale Image",
        Inputs =
        [
            Input.Of("image", "IMAGE"), Input.Combo("upscale_method", Resize.Methods),
            Input.Int("width", 512, 0, Input.MaxResolution, 1), Input.Int("height", 512, 0, Input.MaxResolution, 1),
            Input.Combo("crop", Resize.CropMethods),
        ],
        Outputs = [Output.Image()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var image = args.Get<Tensor>("image");
        var (width, height) = ((int)args.Int("width"), (int)args.Int("height"));
        if (width == 0 && height == 0) return ValueTask.FromResult(NodeOutput.From(image));
        var (_, h, w, _) = ImageTensors.ImageShape(image);
        if (width == 0) width = Math.Max(1, (int)Math.Round(w * (double)height / h, MidpointRounding.ToEven));
        else if (height == 0) height = Math.Max(1, (int)Math.Round(h * (double)width / w, MidpointRounding.ToEven));
        return ValueTask.FromResult(NodeOutput.From(Resize.Image(image, width, height, args.String("upscale_method"), args.String("crop"))));
    }
}
