using ComfySharp.Diffusion.Previews;
using ComfySharp.Diffusion.Safetensors;
using ComfySharp.Diffusion.Tests.Infrastructure;

namespace ComfySharp.Diffusion.Tests.Previews;

/// <summary>latent2rgb and the TAESD decoder against the torch reference (ComfyUI's formulas), on a random TAESD-shaped file.</summary>
public sealed class LatentPreviewerTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static void AssertPixelsClose(float[] expected, byte[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        var off = 0;
        for (var i = 0; i < actual.Length; i++)
        {
            var d = Math.Abs(expected[i] - actual[i]);
            // Float sums in another order can move a value across a rounding step, never further.
            Assert.True(d <= 1, $"pixel byte {i}: expected {expected[i]}, got {actual[i]}");
            if (d != 0) off++;
        }
        Assert.True(off <= actual.Length / 50, $"{off} of {actual.Length} bytes differ by one");
    }

    [Fact]
    public void Taesd_decoder_matches_the_torch_reference_for_the_chosen_batch_item()
    {
        var ct = TestContext.Current.CancellationToken;
        var path = TinyTaesd.Write(_temp.File("taesd_decoder.safetensors"));
        var latent = TinyCheckpoint.RandomArray(new Random(4), 2 * 4 * 3 * 5);
        using var previewer = TaesdPreviewer.Open(path);
        var preview = previewer.Preview(latent, [2, 4, 3, 5], batchIndex: 1);
        Assert.Equal((40, 24), (preview.Width, preview.Height));

        var second = latent[(4 * 3 * 5)..];
        var expected = TorchReference.Run("taesd", path, new() { ["latent"] = ([1, 4, 3, 5], second) }, new { }, _temp.Path, ct)["rgb"];
        AssertPixelsClose(expected, preview.Rgb);
        Assert.Contains(preview.Rgb, b => b is > 0 and < 255);
    }

    [Fact]
    public void Latent2rgb_matches_comfyuis_linear_map()
    {
        var ct = TestContext.Current.CancellationToken;
        var latent = TinyCheckpoint.RandomArray(new Random(6), 1 * 4 * 7 * 6, 2f);
        var preview = Latent2RgbPreviewer.Sd15().Preview(latent, [1, 4, 7, 6]);
        Assert.Equal((6, 7), (preview.Width, preview.Height));
        var expected = TorchReference.Run("latent2rgb", "-", new() { ["latent"] = ([1, 4, 7, 6], latent) }, new { }, _temp.Path, ct)["rgb"];
        AssertPixelsClose(expected, preview.Rgb);
        Assert.Contains(preview.Rgb, b => b == 0);
        Assert.Contains(preview.Rgb, b => b == 255);
    }

    [Fact]
    public void Bad_latents_and_files_are_refused_with_clear_errors()
    {
        var latent2rgb = Latent2RgbPreviewer.Sd15();
        Assert.Throws<ArgumentException>(() => latent2rgb.Preview(new float[10], [1, 4, 2, 2]));
        Assert.Throws<ArgumentException>(() => latent2rgb.Preview(new float[16], [4, 2, 2]));
        Assert.Throws<ArgumentException>(() => latent2rgb.Preview(new float[24], [1, 6, 2, 2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => latent2rgb.Preview(new float[16], [1, 4, 2, 2], batchIndex: 1));

        var notTaesd = _temp.File("not_taesd.safetensors");
        SafetensorsWriter.Write(notTaesd, [TensorToWrite.FromFloats("1.weight", SafetensorsDType.F32, [4, 4], new float[16])]);
        Assert.Throws<SafetensorsException>(() => TaesdPreviewer.Open(notTaesd));
        var truncated = _temp.File("truncated.safetensors");
        File.WriteAllBytes(truncated, [1, 2, 3]);
        Assert.Throws<SafetensorsException>(() => TaesdPreviewer.Open(truncated));

        using var taesd = TaesdPreviewer.Open(TinyTaesd.Write(_temp.File("taesd_decoder.safetensors"), SafetensorsDType.F16));
        var tiny = taesd.Preview(new float[4], [1, 4, 1, 1]);
        Assert.Equal((8, 8, 8 * 8 * 3), (tiny.Width, tiny.Height, tiny.Rgb.Length));
    }
}
