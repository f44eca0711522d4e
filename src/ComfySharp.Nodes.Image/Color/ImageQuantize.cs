using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;
using ComfySharp.Nodes.Image.Codec;
using ComfySharp.Nodes.Image.Quantization;

namespace ComfySharp.Nodes.Image.Color;

/// <summary>
/// <c>ImageQuantize</c>: each image of the batch reduced to a median-cut palette of at most <c>colors</c> colours, mapped plainly,
/// with Floyd–Steinberg, or with ComfyUI's Bayer ordered dithering. The palette and the mapping follow Pillow's <c>quantize</c>
/// rule for rule and agree with it pixel for pixel (tests compare with Pillow). The palette holds only the colours the median cut
/// found, as Pillow 10.1 and later keep it; older Pillow padded it to 256 entries with black, which black-mapped some pixels
/// and fixed the Bayer spread at 2 whatever the palette size.
/// </summary>
internal sealed class ImageQuantize : INode
{
    private static readonly string[] Dithers = ["none", "floyd-steinberg", "bayer-2", "bayer-4", "bayer-8", "bayer-16"];

    public static NodeSchema Schema { get; } = new("ImageQuantize", "image/postprocessing")
    {
        DisplayName = "Image Quantize",
        PythonModule = "comfy_extras.nodes_post_processing",
        Inputs = [Input.Of("image", "IMAGE"), Input.Int("colors", 256, 1, 256, 1), Input.Combo("dither", Dithers)],
        Outputs = [Output.Image()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var image = args.Get<Tensor>("image");
        var colors = (int)args.Int("colors");
        var dither = args.String("dither");
        var (batch, height, width, channels) = ImageTensors.ImageShape(image);
        // ComfyUI hands each image to Pillow as mode RGB and writes the result back into a tensor of the input's shape.
        if (channels != 3) throw new InvalidOperationException($"ImageQuantize needs an RGB image (3 channels), got {channels} channels.");
        if (colors is < 1 or > 256) throw new ArgumentOutOfRangeException(nameof(args), $"colors must be 1 to 256, got {colors}.");
        if (Array.IndexOf(Dithers, dither) < 0) throw new ArgumentException($"Unknown dither '{dither}'.", nameof(args));

        var result = new float[image.Length];
        var per = height * width * 3;
        var pixels = new byte[per];
        var mapped = new byte[per];
        for (var b = 0; b < batch; b++)
        {
            ct.ThrowIfCancellationRequested();
            // (image * 255).to(torch.uint8): truncated; values outside 0..1 are clipped first.
            Pixels.ToBytes(image.Span.Slice(b * per, per), pixels);
            Quantize(pixels, width, height, colors, dither, mapped);
            Pixels.ToFloats(mapped, result.AsSpan(b * per, per));
        }
        return ValueTask.FromResult(NodeOutput.From(new Tensor((int[])image.Shape.Clone(), result)));
    }

    internal static void Quantize(byte[] pixels, int width, int height, int colors, string dither, Span<byte> output)
    {
        var map = new PaletteMap(MedianCut.Palette(pixels, colors));
        switch (dither)
        {
            case "none":
                map.Map(pixels, output);
                break;
            case "floyd-steinberg":
                map.MapDithered(pixels, width, height, output);
                break;
            default:
                var order = int.Parse(dither.AsSpan("bayer-".Length), System.Globalization.CultureInfo.InvariantCulture);
                BayerDither.Apply(pixels, width, height, BayerDither.Offsets(order, map.Count), order, output);
                map.Map(output, output);
                break;
        }
    }
}
