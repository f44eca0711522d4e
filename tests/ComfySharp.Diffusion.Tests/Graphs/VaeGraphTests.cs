using ComfySharp.Diffusion.Graphs;
using ComfySharp.Diffusion.Onnx;
using ComfySharp.Diffusion.Safetensors;
using ComfySharp.Diffusion.Tests.Infrastructure;
using Microsoft.ML.OnnxRuntime;

namespace ComfySharp.Diffusion.Tests.Graphs;

public sealed class VaeGraphTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static float[] Run(OnnxGraph graph, string input, string output, float[] data, long[] shape, out long[] outShape)
    {
        using var session = OnnxModelSession.Create(graph);
        using var value = OrtValue.CreateTensorValueFromMemory(data, shape);
        using var results = session.Session.Run(new RunOptions(), [input], [value], [output]);
        outShape = results[0].GetTensorTypeAndShape().Shape;
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    [Fact]
    public void Decoder_matches_the_torch_reference()
    {
        var ct = TestContext.Current.CancellationToken;
        var path = TinyCheckpoint.Write(_temp.File("tiny.safetensors"), SafetensorsDType.F32);
        var vae = TinyCheckpoint.Config.Vae;
        var latent = TinyCheckpoint.RandomArray(new Random(3), 2 * 4 * 6 * 5);
        using var file = SafetensorsFile.Open(path);
        var actual = Run(VaeGraph.Decoder(vae, new CheckpointWeights(file), "first_stage_model."), VaeGraph.LatentName, VaeGraph.ImageName,
            latent, [2, 4, 6, 5], out var shape);
        // Two levels: one 2× upsampling.
        Assert.Equal([2L, 12, 10, 3], shape);
        Assert.All(actual, v => Assert.InRange(v, 0f, 1f));

        var expected = TorchReference.Run("vae_decode", path, new() { ["latent"] = ([2, 4, 6, 5], latent) }, new { prefix = "first_stage_model." },
            _temp.Path, ct)["image"];
        Numerics.AssertClose(expected, actual, 1e-4f);
    }

    [Fact]
    public void Encoder_matches_the_torch_reference()
    {
        var ct = TestContext.Current.CancellationToken;
        var path = TinyCheckpoint.Write(_temp.File("tiny.safetensors"), SafetensorsDType.F32);
        var vae = TinyCheckpoint.Config.Vae;
        var random = new Random(5);
        var image = new float[1 * 12 * 10 * 3];
        for (var i = 0; i < image.Length; i++) image[i] = (float)random.NextDouble();
        using var file = SafetensorsFile.Open(path);
        var actual = Run(VaeGraph.Encoder(vae, new CheckpointWeights(file), "first_stage_model."), VaeGraph.ImageName, VaeGraph.LatentName,
            image, [1, 12, 10, 3], out var shape);
        Assert.Equal([1L, 4, 6, 5], shape);

        var expected = TorchReference.Run("vae_encode", path, new() { ["image"] = ([1, 12, 10, 3], image) }, new { prefix = "first_stage_model." },
            _temp.Path, ct)["latent"];
        Numerics.AssertClose(expected, actual, 1e-4f);
    }

    [Fact]
    public void Fp16_decoder_is_close_to_fp32_and_runs_are_deterministic()
    {
        var vae = TinyCheckpoint.Config.Vae;
        var latent = TinyCheckpoint.RandomArray(new Random(9), 4 * 4 * 4);
        float[] Decode(string name, SafetensorsDType dtype)
        {
            using var file = SafetensorsFile.Open(TinyCheckpoint.Write(_temp.File(name), dtype));
            return Run(VaeGraph.Decoder(vae, new CheckpointWeights(file), "first_stage_model."), VaeGraph.LatentName, VaeGraph.ImageName,
                latent, [1, 4, 4, 4], out _);
        }
        var f32 = Decode("a.safetensors", SafetensorsDType.F32);
        Assert.Equal(f32, Decode("b.safetensors", SafetensorsDType.F32));
        Numerics.AssertClose(f32, Decode("c.safetensors", SafetensorsDType.F16), 1e-2f);
    }
}
