using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;
using ComfySharp.Nodes.Image.Codec;
using ComfySharp.Nodes.Image.Color;

namespace ComfySharp.Nodes.Image.Tests.Nodes;

/// <summary>ImageQuantize against ComfyUI's code run on Pillow (Fixtures/quantize.py), pixel for pixel.</summary>
public sealed class ImageQuantizeTests
{
    private static readonly string[] Dithers = ["none", "floyd-steinberg", "bayer-2", "bayer-4", "bayer-8", "bayer-16"];

    [Theory]
    [InlineData("gradient", 37, 23, "2,16,256")]
    [InlineData("noise", 32, 32, "2,16,256")]
    [InlineData("photo", 48, 40, "2,16,256")]
    [InlineData("photo", 20, 9, "1,3,200")]
    // More than 65536 colours: Pillow's colour count drops a bit per channel before the median cut.
    [InlineData("noise", 300, 240, "16,256")]
    public async Task Matches_Pillow_pixel_for_pixel(string kind, int width, int height, string colorList)
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder();
        var input = folder.File("in.rgb");
        await Reference.RunScriptAsync("quantize.py", ["image", kind, $"{width}", $"{height}", input], ct);
        await Reference.RunScriptAsync("quantize.py", [input, $"{width}", $"{height}", colorList, string.Join(',', Dithers), folder.File("out")], ct);
        var pixels = await File.ReadAllBytesAsync(input, ct);

        var mismatches = new List<string>();
        foreach (var colors in colorList.Split(',').Select(int.Parse))
        {
            foreach (var dither in Dithers)
            {
                var expected = await File.ReadAllBytesAsync(folder.File($"out.{colors}.{dither}.rgb"), ct);
                var actual = new byte[pixels.Length];
                ImageQuantize.Quantize(pixels, width, height, colors, dither, actual);
                var differing = 0;
                for (var i = 0; i < actual.Length; i += 3)
                {
                    if (!actual.AsSpan(i, 3).SequenceEqual(expected.AsSpan(i, 3))) differing++;
                }
                if (differing > 0) mismatches.Add($"{colors} colours, {dither}: {differing} of {actual.Length / 3} pixels differ");
            }
        }
        Assert.Empty(mismatches);
    }

    [Fact]
    public async Task The_node_quantizes_every_image_of_the_batch_in_float()
    {
        var ct = TestContext.Current.CancellationToken;
        var (w, h) = (9, 7);
        var first = Fixtures.Pixels(w, h, 3, seed: 1);
        var second = Fixtures.Pixels(w, h, 3, seed: 5);
        var data = new float[2 * w * h * 3];
        Pixels.ToFloats(first, data.AsSpan(0, w * h * 3));
        Pixels.ToFloats(second, data.AsSpan(w * h * 3));
        var args = new NodeArgs(new() { ["image"] = new Tensor([2, h, w, 3], data), ["colors"] = 4L, ["dither"] = "floyd-steinberg" });

        var result = (Tensor)(await new ImageQuantize().ExecuteAsync(args, null!, ct)).Values[0]!;

        Assert.Equal([2, h, w, 3], result.Shape);
        for (var b = 0; b < 2; b++)
        {
            var expected = new byte[w * h * 3];
            ImageQuantize.Quantize(b == 0 ? first : second, w, h, 4, "floyd-steinberg", expected);
            var floats = new float[expected.Length];
            Pixels.ToFloats(expected, floats);
            Assert.Equal(floats, result.Span.Slice(b * w * h * 3, w * h * 3).ToArray());
            Assert.True(result.Span.Slice(b * w * h * 3, w * h * 3).ToArray().Chunk(3).Select(p => (p[0], p[1], p[2])).Distinct().Count() <= 4);
        }
    }

    [Fact]
    public async Task An_image_with_alpha_is_refused_with_a_clear_message()
    {
        var ct = TestContext.Current.CancellationToken;
        var args = new NodeArgs(new() { ["image"] = Tensor.Zeros(1, 4, 4, 4), ["colors"] = 8L, ["dither"] = "none" });
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await new ImageQuantize().ExecuteAsync(args, null!, ct));
        Assert.Contains("3 channels", error.Message, StringComparison.Ordinal);
    }
}
