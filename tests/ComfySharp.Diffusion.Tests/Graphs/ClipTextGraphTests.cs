using ComfySharp.Diffusion.Graphs;
using ComfySharp.Diffusion.Onnx;
using ComfySharp.Diffusion.Safetensors;
using ComfySharp.Diffusion.Tests.Infrastructure;
using ComfySharp.Diffusion.Text;
using Microsoft.ML.OnnxRuntime;

namespace ComfySharp.Diffusion.Tests.Graphs;

public sealed class ClipTextGraphTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(2)]
    [InlineData(1)]
    public void Matches_the_torch_reference(int layers)
    {
        var ct = TestContext.Current.CancellationToken;
        var clip = TinyCheckpoint.Config.Clip;
        var path = TinyCheckpoint.Write(_temp.File("tiny.safetensors"), SafetensorsDType.F32);
        var embeds = TinyCheckpoint.RandomArray(new Random(7), 2 * 77 * clip.Width);

        using var file = SafetensorsFile.Open(path);
        using var session = OnnxModelSession.Create(ClipTextGraph.Build(clip, new CheckpointWeights(file), layers));
        Assert.True(session.ModelBytes < 64 * 1024, $"the model holds {session.ModelBytes} bytes: weights must stay in the checkpoint");
        using var input = OrtValue.CreateTensorValueFromMemory(embeds, [2, 77, clip.Width]);
        using var outputs = session.Session.Run(new RunOptions(), [ClipTextGraph.Input], [input], [ClipTextGraph.Output]);
        var actual = outputs[0].GetTensorDataAsSpan<float>().ToArray();

        var expected = TorchReference.Run("clip", path, new() { ["embeds"] = ([2, 77, clip.Width], embeds) },
            new { prefix = clip.Prefix, layers, heads = clip.Heads }, _temp.Path, ct)["hidden"];
        Numerics.AssertClose(expected, actual, 1e-4f);
    }

    [Fact]
    public void Fp16_checkpoint_gives_the_fp32_result_within_tolerance()
    {
        var f32 = Encode(TinyCheckpoint.Write(_temp.File("f32.safetensors"), SafetensorsDType.F32), "cat dog");
        var f16 = Encode(TinyCheckpoint.Write(_temp.File("f16.safetensors"), SafetensorsDType.F16), "cat dog");
        var bf16 = Encode(TinyCheckpoint.Write(_temp.File("bf16.safetensors"), SafetensorsDType.BF16), "cat dog");
        Numerics.AssertClose(f32, f16, 2e-2f);
        Numerics.AssertClose(f32, bf16, 1e-1f);
    }

    [Fact]
    public void Weights_interpolate_from_the_empty_prompt_and_chunks_concatenate()
    {
        var path = TinyCheckpoint.Write(_temp.File("tiny.safetensors"), SafetensorsDType.F32);
        var width = TinyCheckpoint.Config.Clip.Width;
        var plain = Encode(path, "cat dog");
        var empty = Encode(path, "");
        var weighted = Encode(path, "cat (dog:1.5)");
        Assert.Equal(77 * width, weighted.Length);
        // Positions 0 and 1 (start, cat) keep weight 1; position 2 (dog) is empty + (z − empty) · 1.5.
        Numerics.AssertClose(plain.AsSpan(0, 2 * width).ToArray(), weighted.AsSpan(0, 2 * width).ToArray(), 1e-5f);
        for (var i = 0; i < width; i++)
        {
            var e = empty[2 * width + i];
            Assert.Equal(e + (plain[2 * width + i] - e) * 1.5f, weighted[2 * width + i], 1e-4f);
        }

        var encoded = Encode(path, string.Join(' ', Enumerable.Repeat("cat", 80)));
        Assert.Equal(2 * 77 * width, encoded.Length);
        Assert.Equal(encoded, Encode(path, string.Join(' ', Enumerable.Repeat("cat", 80))));
    }

    [Fact]
    public void Clip_skip_stops_early_and_bad_values_are_refused()
    {
        var path = TinyCheckpoint.Write(_temp.File("tiny.safetensors"), SafetensorsDType.F32);
        Assert.NotEqual(Encode(path, "cat", -1), Encode(path, "cat", -2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Encode(path, "cat", -3));
        Assert.Throws<ArgumentOutOfRangeException>(() => Encode(path, "cat", 0));
    }

    private static float[] Encode(string path, string prompt, int stopAt = -1)
    {
        var bpe = TinyVocabulary.Create();
        using var file = SafetensorsFile.Open(path);
        using var encoder = new ClipTextEncoder(TinyCheckpoint.Config.Clip, new CheckpointWeights(file));
        var chunks = new SdTokenizer(bpe, null, TinyCheckpoint.Config.Clip.Width).Tokenize(prompt);
        return encoder.Encode(chunks, stopAt, bpe.StartToken, bpe.EndToken);
    }
}
