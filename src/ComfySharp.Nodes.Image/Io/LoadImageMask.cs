using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;
using ComfySharp.Nodes.Image.Codec;

namespace ComfySharp.Nodes.Image.Io;

/// <summary><c>LoadImageMask</c>: one channel of the first frame as a [1,H,W] mask; alpha is inverted (1 − a).</summary>
internal sealed class LoadImageMask : INode
{
    public static NodeSchema Schema { get; } = SchemaFor(null);

    public static NodeSchema SchemaFor(string? inputFolder) => new("LoadImageMask", "mask")
    {
        DisplayName = "Load Image (as Mask)",
        Inputs = [LoadImage.ImageCombo(inputFolder, imagesOnly: false), Input.Combo("channel", ["alpha", "red", "green", "blue"])],
        Outputs = [Output.Mask()],
        ValidatedInputs = ["image"],
    };

    public async ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var bytes = await InputFileHooks.ReadAsync(context.Folders, args.String("image"), ct);
        return NodeOutput.From(MaskOf(ImageDecoder.Decode(bytes), args.String("channel")));
    }

    /// <summary>
    /// The channel of the first frame as Pillow's <c>convert("RGBA")</c> gives it (a <c>tRNS</c> colour is transparent; without
    /// alpha it is 255, so the alpha mask is all zeros), alpha inverted.
    /// </summary>
    internal static Tensor MaskOf(DecodedImage decoded, string channel)
    {
        var frame = decoded.First;
        var index = channel switch
        {
            "alpha" => 3,
            "red" => 0,
            "green" => 1,
            "blue" => 2,
            var other => throw new InvalidOperationException($"Unknown channel '{other}'."),
        };
        var mask = new Tensor([1, frame.Height, frame.Width], ImageTensors.ChannelOf(frame, index));
        return index == 3 ? mask.OneMinus() : mask;
    }
}
