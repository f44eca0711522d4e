using ComfySharp.Engine.Tensors;
using ComfySharp.Nodes.Image.Codec;
using ComfySharp.Nodes.Image.Io;

namespace ComfySharp.Nodes.Image.Tests.Codec;

/// <summary>LoadImage's tensors against Pillow running ComfyUI's loader steps on the same file.</summary>
public sealed class DecoderTests
{
    [Theory]
    [InlineData("gray16", "png", 0f)]
    [InlineData("rgb16", "png", 0f)]
    [InlineData("rgba16", "png", 0f)]
    [InlineData("gif", "gif", 0f)]
    [InlineData("apng_rgb", "png", 0f)]
    [InlineData("apng_blend", "png", 0f)]
    [InlineData("apng_default", "png", 0f)]
    [InlineData("palette_transparent", "png", 0f)]
    [InlineData("la", "png", 0f)]
    [InlineData("rgb_trns", "png", 0f)]
    [InlineData("l_trns", "png", 0f)]
    [InlineData("exif3", "jpg", 3 / 255f)]
    [InlineData("exif6", "jpg", 3 / 255f)]
    [InlineData("exif8", "jpg", 3 / 255f)]
    [InlineData("exif2", "jpg", 3 / 255f)]
    [InlineData("exif5", "jpg", 3 / 255f)]
    [InlineData("exif7", "jpg", 3 / 255f)]
    [InlineData("exif4", "jpg", 3 / 255f)]
    public async Task Load_matches_pillow(string kind, string extension, float tolerance)
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder();
        var file = folder.File($"{kind}.{extension}");
        await Reference.RunAsync(ct, "make", kind, file);
        var expected = await Reference.JsonAsync(ct, "load", file, folder.File("ref"));

        var (image, mask) = LoadImage.ToTensors(ImageDecoder.Decode(await File.ReadAllBytesAsync(file, ct)));

        Assert.Equal(expected["image"]!.AsArray().Select(n => (int)n!), image.Shape);
        Assert.Equal(expected["mask"]!.AsArray().Select(n => (int)n!), mask.Shape);
        AssertClose(Reference.ReadFloats(folder.File("ref.image.f32")), image, tolerance);
        AssertClose(Reference.ReadFloats(folder.File("ref.mask.f32")), mask, tolerance);
    }

    [Theory]
    [InlineData("la", "alpha")]
    [InlineData("la", "red")]
    [InlineData("rgba16", "alpha")]
    [InlineData("rgba16", "blue")]
    [InlineData("gray16", "green")]
    [InlineData("gray16", "alpha")]
    [InlineData("rgb_trns", "alpha")]
    [InlineData("l_trns", "alpha")]
    [InlineData("palette_transparent", "alpha")]
    [InlineData("palette_transparent", "red")]
    [InlineData("apng_blend", "alpha")]
    [InlineData("exif6", "green")]
    public async Task LoadImageMask_matches_pillow(string kind, string channel)
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder();
        var file = folder.File(kind + (kind.StartsWith("exif", StringComparison.Ordinal) ? ".jpg" : ".png"));
        await Reference.RunAsync(ct, "make", kind, file);
        var shape = await Reference.JsonAsync(ct, "loadmask", file, channel, folder.File("mask.f32"));

        var mask = LoadImageMask.MaskOf(ImageDecoder.Decode(await File.ReadAllBytesAsync(file, ct)), channel);

        Assert.Equal(shape.AsArray().Select(n => (int)n!), mask.Shape);
        AssertClose(Reference.ReadFloats(folder.File("mask.f32")), mask, kind.StartsWith("exif", StringComparison.Ordinal) ? 3 / 255f : 0f);
    }

    [Fact]
    public void Bytes_that_are_not_an_image_are_refused()
    {
        Assert.Throws<InvalidImageException>(() => ImageDecoder.Decode("<html>not an image</html>"u8.ToArray()));
        Assert.False(ImageDecoder.TryIdentify("GIF89a"u8.ToArray(), out _, out _));
        Assert.False(ImageDecoder.TryIdentify([], out _, out _));
    }

    [Fact]
    public async Task An_APNG_frame_outside_the_canvas_is_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder();
        var file = folder.File("apng.png");
        await Reference.RunAsync(ct, "make", "apng_rgb", file);
        var bytes = await File.ReadAllBytesAsync(file, ct);
        // The second fcTL's x offset (chunk data: sequence, width, height, x, y, …) moved past the 8-pixel-wide canvas.
        var second = bytes.AsSpan().IndexOf("fcTL"u8);
        second += 4 + bytes.AsSpan(second + 4).IndexOf("fcTL"u8);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(second + 4 + 12), 7);

        var error = Assert.Throws<InvalidImageException>(() => ImageDecoder.Decode(bytes));
        Assert.Equal("APNG contains invalid frames", error.Message);
    }

    internal static void AssertClose(float[] expected, Tensor actual, float tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        var span = actual.Span;
        var worst = 0f;
        var at = -1;
        for (var i = 0; i < expected.Length; i++)
        {
            var d = MathF.Abs(expected[i] - span[i]);
            if (d > worst)
            {
                worst = d;
                at = i;
            }
        }
        Assert.True(worst <= tolerance, $"largest difference {worst} at {at}: expected {(at >= 0 ? expected[at] : 0)}, got {(at >= 0 ? span[at] : 0)}");
    }
}
