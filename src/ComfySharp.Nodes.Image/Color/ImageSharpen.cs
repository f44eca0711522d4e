using System.Numerics.Tensors;
using ComfySharp.Engine.Nodes;
using Tensor = ComfySharp.Engine.Tensors.Tensor;

namespace ComfySharp.Nodes.Image.Color;

/// <summary><c>ImageSharpen</c>: the Gaussian scaled by −10·alpha with the centre raised so the kernel sums to 1, then clamped.</summary>
internal sealed class ImageSharpen : INode
{
    public static NodeSchema Schema { get; } = new("ImageSharpen", "image/postprocessing")
    {
        DisplayName = "Image Sharpen",
        PythonModule = "comfy_extras.nodes_post_processing",
        Inputs =
        [
            Input.Of("image", "IMAGE"), Input.Int("sharpen_radius", 1, 1, 31, 1), Input.Float("sigma", 1.0, 0.1m, 10.0m, 0.01m),
            Input.Float("alpha", 1.0, 0m, 5.0m, 0.01m),
        ],
        Outputs = [Output.Image()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var image = args.Get<Tensor>("image");
        var radius = (int)args.Int("sharpen_radius");
        if (radius == 0) return ValueTask.FromResult(NodeOutput.From(image));
        var size = radius * 2 + 1;
        var kernel = Convolution.Gaussian(size, (float)args.Float("sigma"));
        TensorPrimitives.Multiply(kernel, -(float)(args.Float("alpha") * 10), kernel);
        var center = size / 2 * size + size / 2;
        kernel[center] = kernel[center] - TensorPrimitives.Sum(kernel) + 1f;
        var result = Convolution.Apply(image, kernel, radius);
        var data = result.MutableSpan;
        TensorPrimitives.Max(data, 0f, data);
        TensorPrimitives.Min(data, 1f, data);
        return ValueTask.FromResult(NodeOutput.From(result));
    }
}
