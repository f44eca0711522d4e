using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;
using ComfySharp.Nodes.Image.Color;
using ComfySharp.Nodes.Image.Masks;
using ComfySharp.Nodes.Image.Transform;

namespace ComfySharp.Nodes.Image.Tests.Nodes;

/// <summary>The small nodes, with expectations worked out by hand from ComfyUI's code.</summary>
public sealed class SimpleNodeTests
{
    private static async Task<Tensor> RunAsync(IExecutableNode node, params (string Name, object? Value)[] inputs)
    {
        var values = new Dictionary<string, object?>();
        foreach (var (name, value) in inputs) values[name] = value;
        var output = await node.ExecuteAsync(new NodeArgs(values), null!, TestContext.Current.CancellationToken);
        return (Tensor)output.Values[0]!;
    }

    private static Tensor Ramp(params int[] shape)
    {
        var t = Tensor.Zeros(shape);
        var span = t.MutableSpan;
        for (var i = 0; i < span.Length; i++) span[i] = i / (float)span.Length;
        return t;
    }

    [Fact]
    public async Task EmptyImage_fills_the_colour()
    {
        var image = await RunAsync(new EmptyImage(), ("width", 3L), ("height", 2L), ("batch_size", 2L), ("color", 0xFF8000L));
        Assert.Equal([2, 2, 3, 3], image.Shape);
        Assert.Equal([1f, 128 / 255f, 0f], image.Span[..3].ToArray());
        Assert.Equal([1f, 128 / 255f, 0f], image.Span[^3..].ToArray());
    }

    [Fact]
    public async Task ImageScale_keeps_the_aspect_when_one_side_is_zero_and_passes_through_when_both_are()
    {
        var image = Ramp(1, 10, 20, 3);
        var scaled = await RunAsync(new ImageScale(), ("image", image), ("upscale_method", "bilinear"), ("width", 0L), ("height", 5L), ("crop", "disabled"));
        Assert.Equal([1, 5, 10, 3], scaled.Shape);
        var same = await RunAsync(new ImageScale(), ("image", image), ("upscale_method", "bilinear"), ("width", 0L), ("height", 0L), ("crop", "disabled"));
        Assert.Same(image, same);
        var by = await RunAsync(new ImageScaleBy(), ("image", image), ("upscale_method", "area"), ("scale_by", 0.25));
        Assert.Equal([1, 2, 5, 3], by.Shape); // round(2.5) = 2, Python's banker's rounding
        var total = await RunAsync(new ImageScaleToTotalPixels(), ("image", image), ("upscale_method", "nearest-exact"), ("megapixels", 0.01));
        // sqrt(10485 / 200) = 7.2405…: 144.8 -> 145, 72.4 -> 72
        Assert.Equal([1, 72, 145, 3], total.Shape);
    }

    [Fact]
    public async Task ImageCrop_pulls_the_corner_inside_and_shrinks_at_the_edge()
    {
        var image = Ramp(1, 4, 5, 3);
        var crop = await RunAsync(new ImageCrop(), ("image", image), ("width", 10L), ("height", 2L), ("x", 9L), ("y", 1L));
        // x = min(9, 4) = 4: one column left; rows 1..2.
        Assert.Equal([1, 2, 1, 3], crop.Shape);
        Assert.Equal(image.Span.Slice(((1 * 5) + 4) * 3, 3).ToArray(), crop.Span[..3].ToArray());
    }

    [Fact]
    public async Task ImageBatch_resizes_the_second_image_to_the_first()
    {
        var batch = await RunAsync(new ImageBatch(), ("image1", Ramp(1, 4, 4, 3)), ("image2", Ramp(2, 8, 6, 3)));
        Assert.Equal([3, 4, 4, 3], batch.Shape);
    }

    [Fact]
    public async Task Masks_convert_invert_threshold_crop_and_fill()
    {
        var image = Ramp(2, 2, 3, 3);
        var green = await RunAsync(new ImageToMask(), ("image", image), ("channel", "green"));
        Assert.Equal([2, 2, 3], green.Shape);
        Assert.Equal(image.Span[1], green.Span[0]);
        Assert.Equal(image.Span[4], green.Span[1]);
        await Assert.ThrowsAsync<InvalidOperationException>(() => RunAsync(new ImageToMask(), ("image", image), ("channel", "alpha")));

        var back = await RunAsync(new MaskToImage(), ("mask", green));
        Assert.Equal([2, 2, 3, 3], back.Shape);
        Assert.Equal([green.Span[0], green.Span[0], green.Span[0]], back.Span[..3].ToArray());

        var inverted = await RunAsync(new InvertMask(), ("mask", green));
        Assert.Equal(1f - green.Span[5], inverted.Span[5]);

        var threshold = await RunAsync(new ThresholdMask(), ("mask", Ramp(1, 2, 2)), ("value", 0.25));
        Assert.Equal([0f, 0f, 1f, 1f], threshold.Span.ToArray()); // 0, .25, .5, .75: strictly greater

        var crop = await RunAsync(new CropMask(), ("mask", Ramp(3, 3)), ("x", 1L), ("y", 1L), ("width", 5L), ("height", 1L));
        Assert.Equal([1, 1, 2], crop.Shape);

        var solid = await RunAsync(new SolidMask(), ("value", 0.25), ("width", 3L), ("height", 2L));
        Assert.Equal([1, 2, 3], solid.Shape);
        Assert.All(solid.Span.ToArray(), v => Assert.Equal(0.25f, v));
    }

    [Fact]
    public async Task ImageInvert_is_one_minus()
    {
        var image = Ramp(1, 2, 2, 3);
        var inverted = await RunAsync(new ImageInvert(), ("image", image));
        for (var i = 0; i < image.Length; i++) Assert.Equal(1f - image.Span[i], inverted.Span[i]);
    }
}
