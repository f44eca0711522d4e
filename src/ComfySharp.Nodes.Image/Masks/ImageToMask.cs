using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Image.Masks;

/// <summary><c>ImageToMask</c>: one channel of the image as a [B,H,W] mask.</summary>
internal sealed class ImageToMask : INode
{
    private static readonly string[] Channels = ["red", "green", "blue", "alpha"];

    public static NodeSchema Schema { get; } = new("ImageToMask", "mask")
    {
        DisplayName = "Convert Image to Mask",
        PythonModule = MaskNode.Module,
        Inputs = [Input.Of("image", "IMAGE"), Input.Combo("channel", Channels)],
        Outputs = [Output.Mask()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var image = args.Get<Tensor>("image");
        var (b, h, w, c) = ImageTensors.ImageShape(image);
        var channel = Array.IndexOf(Channels, args.String("channel"));
        if (channel >= c)
        {
            throw new InvalidOperationException($"index {channel} is out of bounds for dimension 3 with size {c}");
        }
        var src = image.Span;
        var mask = new float[b * h * w];
        for (var i = 0; i < mask.Length; i++) mask[i] = src[i * c + channel];
        return ValueTask.FromResult(NodeOutput.From(new Tensor([b, h, w], mask)));
    }
}
