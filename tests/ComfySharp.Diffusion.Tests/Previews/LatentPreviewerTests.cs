using System.Globalization;
using ComfySharp.Diffusion.Previews;
using ComfySharp.Diffusion.Safetensors;
using ComfySharp.Diffusion.Tests.Infrastructure;

namespace ComfySharp.Diffusion.Tests.Previews;

/// <summary>latent2rgb and the TAESD decoder against the torch reference (ComfyUI's formulas), on a random TAESD-shaped file.</summary>
public sealed class LatentPreviewerTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>Every tensor of a TAESD decoder for 4 latent channels, random, scaled by 1/√fan-in so activations stay in range.</summary>
    private static string WriteTaesd(string path, SafetensorsDType dtype)
    {
        var random = new Random(11);
        var tensors = new List<TensorToWrite>();
        void Conv(string key, int inCh, int outCh, bool bias = true)
        {
            var scale = 1f / MathF.Sqrt(inCh * 9);
            tensors.Add(TensorToWrite.FromFloats(key + ".weight", dtype, [outCh, inCh, 3, 3], TinyCheckpoint.RandomArray(random, outCh * inCh * 9, scale)));
            if (!bias) return;
            var b = TinyCheckpoint.RandomArray(random, outCh, 0.1f);
            if (outCh == 3) for (var i = 0; i < 3; i++) b[i] += 0.5f;
            tensors.Add(TensorToWrite.FromFloats(key + ".bias", dtype, [outCh], b));
        }
        string Name(int layer) => layer.ToString(CultureInfo.InvariantCulture);
        Conv("1", 4, 64);
        foreach (var block in new[] { 3, 4, 5, 8, 9, 10, 13, 14, 15, 18 })
        {
            foreach (var c in new[] { 0, 2, 4 }) Conv($"{Name(block)}.conv.{c}", 64, 64);
        }
        foreach (var up in new[] { 7, 12, 17 }) Conv(Name(up), 64, 64, bias: false);
        Conv("19", 64, 3);
        SafetensorsWriter.Write(path, tensors);
        return path;
    }

    private static void AssertPixelsClose(float[] expected, byte[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        var off = 0;
        for (var i = 0; i < actual.Length; i++)
        {
            var d = Math.Abs(expected[i] - actual[i]);
            // Float sums in another order can move a value across a truncation step, never further.
            Assert.True(d <= 1, $"pixel byte {i}: expected {expected[i]}, got {actual[i]}");
            if (d != 0) off++;
        }
        Assert.True(off <= actual.Length / 50, $"{off} of {actual.Length} bytes differ by one");
    }

    [Fact]
    public void Taesd_decoder_matches_the_torch_reference_for_the_chosen_batch_item()
    {
        var ct = TestContext.Current.CancellationToken;
        var path = WriteTaesd(_temp.File("taesd_decoder.safetensors"), SafetensorsDType.F32);
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

        Assert.Null(LatentPreviewers.Create("none", _temp.Path));
        Assert.IsType<Latent2RgbPreviewer>(LatentPreviewers.Create("auto", _temp.Path));
        Assert.IsType<Latent2RgbPreviewer>(LatentPreviewers.Create("taesd", _temp.Path));
        Assert.Throws<ArgumentException>(() => LatentPreviewers.Create("fancy", _temp.Path));
        WriteTaesd(_temp.File(LatentPreviewers.Sd15DecoderFile), SafetensorsDType.F16);
        using var taesd = Assert.IsType<TaesdPreviewer>(LatentPreviewers.Create("auto", _temp.Path));
        var tiny = taesd.Preview(new float[4], [1, 4, 1, 1]);
        Assert.Equal((8, 8, 8 * 8 * 3), (tiny.Width, tiny.Height, tiny.Rgb.Length));
    }
}
