using ComfySharp.Nodes.Image.Codec;

namespace ComfySharp.Nodes.Image.Tests.Codec;

/// <summary>The preview JPEG encoder read back by Pillow (libjpeg-turbo) and by Skia: sizes that are not multiples of the 16-pixel
/// MCU, every quality end, RGBA input, and content that drives coefficients and 0xFF bytes to their limits.</summary>
public sealed class JpegEncoderTests
{
    public static TheoryData<string, int, int, int, int> Cases => new()
    {
        { "smooth", 1, 1, 3, 95 },
        { "smooth", 17, 9, 3, 95 },
        { "smooth", 64, 48, 3, 95 },
        { "smooth", 333, 127, 3, 95 },
        { "smooth", 40, 33, 4, 95 },
        { "smooth", 48, 32, 3, 50 },
        { "smooth", 48, 32, 3, 1 },
        { "smooth", 48, 32, 3, 100 },
        { "noise", 50, 30, 3, 100 },
        { "noise", 50, 30, 3, 90 },
        { "white", 24, 24, 3, 100 },
        { "black", 24, 24, 3, 100 },
        { "checker", 31, 17, 3, 100 },
    };

    /// <summary>Decoded by Pillow, our JPEG is about as close to the source as Pillow's own JPEG of the same pixels and quality.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Pillow_and_skia_decode_what_was_encoded(string content, int width, int height, int channels, int quality)
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder();
        var pixels = Content(content, width, height, channels);
        var jpeg = ImageEncoder.Jpeg(pixels, width, height, channels, quality);
        await File.WriteAllBytesAsync(folder.File("out.jpg"), jpeg, ct);

        var info = await Reference.JsonAsync(ct, "decode", folder.File("out.jpg"), folder.File("out.rgb"));
        Assert.Equal("JPEG", (string?)info["format"]);
        Assert.Equal([width, height], info["size"]!.AsArray().Select(n => (int)n!));
        var pillow = await File.ReadAllBytesAsync(folder.File("out.rgb"), ct);
        var skia = Pixels.RgbaToRgb(ImageDecoder.Decode(jpeg).First.Rgba);
        Assert.Equal(pillow.Length, skia.Length);

        var rgb = channels == 4 ? Pixels.RgbaToRgb(pixels) : pixels;
        await File.WriteAllBytesAsync(folder.File("in.rgb"), rgb, ct);
        await Reference.RunAsync(ct, "jpegroundtrip", folder.File("in.rgb"), $"{width}", $"{height}", $"{quality}", folder.File("pillow.rgb"));
        var byPillow = await File.ReadAllBytesAsync(folder.File("pillow.rgb"), ct);
        double error = 0, pillowError = 0, disagreement = 0;
        for (var i = 0; i < rgb.Length; i++)
        {
            error += Math.Abs(pillow[i] - rgb[i]);
            pillowError += Math.Abs(byPillow[i] - rgb[i]);
            disagreement += Math.Abs(pillow[i] - skia[i]);
        }
        var (mean, reference) = (error / rgb.Length, pillowError / rgb.Length);
        Assert.True(mean <= reference * 1.1 + 0.25, $"mean error {mean}, Pillow's own JPEG {reference}");
        Assert.True(disagreement / rgb.Length <= 1.5, $"Pillow and Skia differ by {disagreement / rgb.Length} on average");
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        Assert.Throws<ArgumentException>(() => ImageEncoder.Jpeg(new byte[10], 2, 2, 3, 95));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageEncoder.Jpeg(new byte[8], 2, 2, 2, 95));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageEncoder.Jpeg([], 0, 0, 3, 95));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageEncoder.Jpeg(new byte[70000 * 3], 70000, 1, 3, 95));
    }

    private static byte[] Content(string kind, int width, int height, int channels)
    {
        var rng = new Random(width * 7 + height);
        var pixels = new byte[width * height * channels];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var o = (y * width + x) * channels;
                for (var c = 0; c < 3; c++)
                {
                    pixels[o + c] = kind switch
                    {
                        "smooth" => (byte)Math.Clamp(40 + x * 150 / Math.Max(1, width) + y * 50 / Math.Max(1, height) + c * 20 + rng.Next(-3, 4), 0, 255),
                        "noise" => (byte)rng.Next(256),
                        "white" => 255,
                        "black" => 0,
                        _ => ((x + y) & 1) == 0 ? (byte)255 : (byte)0,
                    };
                }
                if (channels == 4) pixels[o + 3] = (byte)rng.Next(256);
            }
        }
        return pixels;
    }
}
