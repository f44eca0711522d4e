using System.Text.Json.Nodes;
using ComfySharp.Engine.Nodes;
using ComfySharp.Nodes.Image.Codec;
using ComfySharp.Nodes.Image.Io;

namespace ComfySharp.Nodes.Image.Tests.Previews;

/// <summary>Preview frames sized as the server's <c>ImageOps.contain(…, BILINEAR)</c>, checked against Pillow, and encoded as JPEG 95 or PNG.</summary>
public sealed class PreviewFramesTests
{
    [Theory]
    [InlineData(20, 12, 16)]
    [InlineData(12, 20, 7)]
    [InlineData(6, 4, 512)]
    [InlineData(64, 64, 512)]
    [InlineData(9, 9, 9)]
    [InlineData(64, 48, 512)]
    [InlineData(1000, 700, 512)]
    [InlineData(333, 1025, 512)]
    public async Task Fit_matches_pillows_contain_with_bilinear(int width, int height, int max)
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder();
        var rgb = Fixtures.Pixels(width, height, 3, seed: 3);
        await File.WriteAllBytesAsync(folder.File("in.png"), ImageEncoder.Png(rgb, width, height, 3), ct);
        var size = JsonNode.Parse(await Reference.RunAsync(ct, "contain", folder.File("in.png"), max.ToString(System.Globalization.CultureInfo.InvariantCulture), folder.File("out.raw")))!;
        var expected = await File.ReadAllBytesAsync(folder.File("out.raw"), ct);
        var (w, h) = PreviewFrames.ContainSize(width, height, max);
        Assert.Equal(((int)size[0]!, (int)size[1]!), (w, h));

        var png = PreviewFrames.Png(rgb, width, height, max);
        Assert.Equal(PreviewFormat.Png, png.Format);
        var frame = ImageDecoder.Decode(png.Bytes.ToArray()).First;
        Assert.Equal((w, h), (frame.Width, frame.Height));
        Assert.Equal(expected, Pixels.RgbaToRgb(frame.Rgba));

        var jpeg = PreviewFrames.Jpeg(rgb, width, height, max);
        Assert.Equal(PreviewFormat.Jpeg, jpeg.Format);
        Assert.Equal([0xFF, 0xD8], jpeg.Bytes.Span[..2].ToArray());
        var decoded = ImageDecoder.Decode(jpeg.Bytes.ToArray()).First;
        Assert.Equal((w, h), (decoded.Width, decoded.Height));
    }

    [Fact]
    public async Task Jpeg_frames_use_the_quantization_tables_and_subsampling_of_pillows_quality_95()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder();
        var expected = await Reference.JsonAsync(ct, "jpegtables", "95", folder.File("pillow.jpg"));
        var (width, height) = (40, 24);
        var jpeg = PreviewFrames.Jpeg(Fixtures.Pixels(width, height, 3, seed: 4), width, height, maxSize: null).Bytes.ToArray();
        var (dqt, sof) = JpegSegments(jpeg);
        Assert.Equal(expected["dqt"]!.AsArray().Select(n => (string)n!), dqt);
        Assert.Equal((string?)expected["sof"], sof);
    }

    /// <summary>The DQT segments' and the SOF0 segment's bodies (hex) of a JPEG stream, up to the first scan.</summary>
    internal static (List<string> Dqt, string? Sof) JpegSegments(byte[] jpeg)
    {
        var dqt = new List<string>();
        string? sof = null;
        var i = 2;
        while (i + 4 <= jpeg.Length && jpeg[i] == 0xFF)
        {
            var marker = jpeg[i + 1];
            var length = (jpeg[i + 2] << 8) | jpeg[i + 3];
            var body = Convert.ToHexStringLower(jpeg, i + 4, length - 2);
            if (marker == 0xDB) dqt.Add(body);
            else if (marker == 0xC0) sof = body;
            else if (marker == 0xDA) break;
            i += 2 + length;
        }
        return (dqt, sof);
    }

    [Fact]
    public void Without_a_maximum_the_frame_keeps_its_size_and_bad_buffers_are_refused()
    {
        var rgb = Fixtures.Pixels(5, 3, 3);
        var frame = ImageDecoder.Decode(PreviewFrames.Png(rgb, 5, 3).Bytes.ToArray()).First;
        Assert.Equal((5, 3), (frame.Width, frame.Height));
        Assert.Equal(rgb, Pixels.RgbaToRgb(frame.Rgba));
        Assert.Throws<ArgumentException>(() => PreviewFrames.Jpeg(new byte[10], 5, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => PreviewFrames.Jpeg(rgb, 5, 3, 0));
    }
}
