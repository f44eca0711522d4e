using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Image.Color;

/// <summary><c>ImageBlur</c>: a (2r+1)² Gaussian blur.</summary>
internal sealed class ImageBlur : INode
{
    public static NodeSchema Schema { get; } = new("ImageBlur", "image/postprocessing")
    {
        DisplayName = "Image Blur",
        PythonModule = "comfy_extras.nodes_post_processing",
        Inputs = [Input.Of("image", "IMAGE"), Input.Int("blur_radius", 1, 1, 31, 1), Input.Float("sigma", 1.0, 0.1m, 10.0m, 0.1m)],
        Outputs = [Output.Image()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var image = args.Get<Tensor>("image");
        var radius = (int)args.Int("blur_radius");
        if (radius == 0) return ValueTask.FromResult(NodeOutput.From(image));
        var kernel = Convolution.Gaussian(radius * 2 + 1, (float)args.Float("sigma"));
        return ValueTask.FromResult(NodeOutput.From(Convolution.Apply(image, kernel, radius)));
    }
}
