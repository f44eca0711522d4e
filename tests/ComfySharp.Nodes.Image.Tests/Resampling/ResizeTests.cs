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
}
