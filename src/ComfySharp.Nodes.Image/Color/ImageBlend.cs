using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;
using ComfySharp.Nodes.Image.Resampling;

namespace ComfySharp.Nodes.Image.Color;

/// <summary><c>ImageBlend</c>: a blend mode of image1 and image2 (resized bicubic, centre crop), mixed by the factor, clamped.</summary>
internal sealed class ImageBlend : INode
{
    public static NodeSchema Schema { get; } = new("ImageBlend", "image/postprocessing")
    {
        DisplayName = "Image Blend",
        PythonModule = "comfy_extras.nodes_post_processing",
        Inputs =
        [
            Input.Of("image1", "IMAGE"), Input.Of("image2", "IMAGE"), Input.Float("blend_factor", 0.5, 0m, 1m, 0.01m),
            Input.Combo("blend_mode", ["normal", "multiply", "screen", "overlay", "soft_light", "difference"]),
        ],
        Outputs = [Output.Image()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var (image1, image2) = AlphaFix.Apply(args.Get<Tensor>("image1"), args.Get<Tensor>("image2"));
        if (!image1.SameShape(image2))
        {
            var (_, h, w, _) = ImageTensors.ImageShape(image1);
            image2 = Resize.Image(image2, w, h, "bicubic", "center");
            // torch broadcasting of the batch dimension, as image1 * ... + blended * ... would do.
            image2 = image2.BroadcastTo(Tensor.BroadcastShapes(image1.Shape, image2.Shape));
            image1 = image1.BroadcastTo(image2.Shape);
        }
        var mode = args.String("blend_mode");
        var factor = (float)args.Float("blend_factor");
        var a = image1.Span;
        var b = image2.Span;
        var result = new float[a.Length];
        for (var i = 0; i < result.Length; i++)
        {
            var blended = Blend(a[i], b[i], mode);
            result[i] = Math.Clamp(a[i] * (1 - factor) + blended * factor, 0f, 1f);
        }
        return ValueTask.FromResult(NodeOutput.From(new Tensor((int[])image1.Shape.Clone(), result)));
    }

    private static float Blend(float x, float y, string mode) => mode switch
    {
        "normal" => y,
        "multiply" => x * y,
        "screen" => 1 - (1 - x) * (1 - y),
        "overlay" => x <= 0.5f ? 2 * x * y : 1 - 2 * (1 - x) * (1 - y),
        "soft_light" => y <= 0.5f ? x - (1 - 2 * y) * x * (1 - x) : x + (2 * y - 1) * (G(x) - x),
        "difference" => x - y,
        _ => throw new InvalidOperationException($"Unsupported blend mode: {mode}"),
    };

    private static float G(float x) => x <= 0.25f ? ((16 * x - 12) * x + 4) * x : MathF.Sqrt(x);
}
