using ComfySharp.Engine.Tensors;
using ComfySharp.Nodes.Image.Resampling;

namespace ComfySharp.Nodes.Image.Tests.Resampling;

/// <summary>Every upscale method against torch.nn.functional.interpolate (and Pillow for lanczos) on the same input.</summary>
public sealed class ResizeTests
{
    [Theory]
    [InlineData("nearest-exact", 7, 5, 16, 11, "disabled")]
    [InlineData("nearest-exact", 16, 12, 5, 7, "center")]
    [InlineData("bilinear", 7, 5, 16, 11, "disabled")]
    [InlineData("bilinear", 16, 12, 5, 7, "disabled")]
    [InlineData("bilinear", 9, 9, 13, 5, "center")]
    [InlineData("bicubic", 7, 5, 16, 11, "disabled")]
    [InlineData("bicubic", 16, 12, 5, 7, "center")]
    [InlineData("area", 16, 12, 5, 7, "disabled")]
    [InlineData("area", 7, 5, 16, 11, "disabled")]
    [InlineData("area", 10, 6, 4, 3, "center")]
    [InlineData("lanczos", 7, 5, 16, 11, "disabled")]
    [InlineData("lanczos", 23, 17, 6, 9, "disabled")]
    [InlineData("lanczos", 12, 12, 20, 8, "center")]
    [InlineData("lanczos", 12, 8, 12, 20, "disabled")]
    public async Task Matches_torch_and_pillow(string method, int w, int h, int width, int height, string crop)
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder();
        var rng = new Random(w * 31 + h);
        var image = Tensor.Random(rng, 2, h, w, 3);
        Reference.WriteFloats(folder.File("in.f32"), image.Span);
        await Reference.RunAsync(ct, "upscale", folder.File("in.f32"), "2", $"{h}", $"{w}", "3", method, $"{width}", $"{height}", crop,
            folder.File("out.f32"));

        var result = Resize.Image(image, width, height, method, crop);

        Assert.Equal([2, height, width, 3], result.Shape);
        // Float methods agree to rounding; lanczos is 8-bit in both and must agree exactly.
        Codec.DecoderTests.AssertClose(Reference.ReadFloats(folder.File("out.f32")), result, method == "lanczos" ? 0f : 2e-6f);
    }

    /// <summary>
    /// Lanczos on sizes that take every path of the SIMD resampler (rows of many 32-byte blocks and a tail, the last pixel of the
    /// buffer), on RGBA (Pillow resizes it premultiplied), and with values outside 0..1 and NaN
    /// (clipped, NaN as 0, before Pillow sees them): byte-exact against Pillow.
    /// </summary>
    [Theory]
    [InlineData(3, 64, 48, 131, 97, false)]
    [InlineData(3, 150, 90, 41, 29, false)]
    [InlineData(3, 33, 200, 33, 61, false)]
    [InlineData(3, 90, 17, 211, 17, true)]
    [InlineData(4, 37, 23, 70, 51, false)]
    [InlineData(4, 70, 51, 19, 13, true)]
    [InlineData(4, 12, 12, 12, 12, false)]
    public async Task Lanczos_matches_pillow_on_large_rgba_and_single_channel_images(int c, int w, int h, int width, int height, bool outOfRange)
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder();
        var rng = new Random(w * 131 + h * 7 + c);
        var image = Tensor.Random(rng, 2, h, w, c);
        if (outOfRange)
        {
            var span = image.MutableSpan;
            for (var i = 0; i < span.Length; i += 7) span[i] = i % 3 == 0 ? -0.5f : i % 3 == 1 ? 1.7f : float.NaN;
        }
        if (c == 4)
        {
            // Some fully transparent and fully opaque pixels, where Pillow's RGBa conversion keeps the colour.
            var span = image.MutableSpan;
            for (var i = 3; i < span.Length; i += 4 * 5) span[i] = 0f;
            for (var i = 7; i < span.Length; i += 4 * 11) span[i] = 1f;
        }
        var input = image.Span.ToArray();
        for (var i = 0; i < input.Length; i++) if (float.IsNaN(input[i])) input[i] = 0f;
        Reference.WriteFloats(folder.File("in.f32"), input);
        await Reference.RunAsync(ct, "upscale", folder.File("in.f32"), "2", $"{h}", $"{w}", $"{c}", "lanczos", $"{width}", $"{height}", "disabled",
            folder.File("out.f32"));

        var result = Resize.Image(image, width, height, "lanczos", "disabled");

        Assert.Equal([2, height, width, c], result.Shape);
        Codec.DecoderTests.AssertClose(Reference.ReadFloats(folder.File("out.f32")), result, 0f);
    }
}
