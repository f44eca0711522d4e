using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Image.Transform;

/// <summary><c>ImageCrop</c>: <c>image[:, y:y+height, x:x+width]</c> with x and y pulled inside the image first.</summary>
internal sealed class ImageCrop : INode
{
    public static NodeSchema Schema { get; } = new("ImageCrop", "image/transform")
    {
        DisplayName = "Image Crop",
        PythonModule = "comfy_extras.nodes_images",
        Inputs =
        [
            Input.Of("image", "IMAGE"), Input.Int("width", 512, 1, Input.MaxResolution, 1), Input.Int("height", 512, 1, Input.MaxResolution, 1),
            Input.Int("x", 0, 0, Input.MaxResolution, 1), Input.Int("y", 0, 0, Input.MaxResolution, 1),
        ],
        Outputs = [Output.Image()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var image = args.Get<Tensor>("image");
        var (_, h, w, _) = ImageTensors.ImageShape(image);
        var x = (int)Math.Min(args.Int("x"), w - 1);
        var y = (int)Math.Min(args.Int("y"), h - 1);
        return ValueTask.FromResult(NodeOutput.From(Regions.Crop(image, x, y, (int)args.Int("width"), (int)args.Int("height"))));
    }
}
