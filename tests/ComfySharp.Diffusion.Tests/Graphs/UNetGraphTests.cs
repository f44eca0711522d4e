using ComfySharp.Diffusion.Graphs;
using ComfySharp.Diffusion.Onnx;
using ComfySharp.Diffusion.Safetensors;
using ComfySharp.Diffusion.Tests.Infrastructure;
using Microsoft.ML.OnnxRuntime;

namespace ComfySharp.Diffusion.Tests.Graphs;

public sealed class UNetGraphTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static float[] Run(SafetensorsFile file, float[] x, long[] xShape, float[] t, float[] context, int tokens)
    {
        var unet = TinyCheckpoint.Config.UNet;
        using var session = OnnxModelSession.Create(UNetGraph.Build(unet, new CheckpointWeights(file)));
        using var xv = OrtValue.CreateTensorValueFromMemory(x, xShape);
        using var tv = OrtValue.CreateTensorValueFromMemory(t, [xShape[0]]);
        using var cv = OrtValue.CreateTensorValueFromMemory(context, [xShape[0], tokens, unet.ContextDim]);
        using var results = session.Session.Run(new RunOptions(), [UNetGraph.XName, UNetGraph.TimestepsName, UNetGraph.ContextName], [xv, tv, cv],
            [UNetGraph.OutputName]);
        Assert.Equal(xShape, results[0].GetTensorTypeAndShape().Shape);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    [Theory]
    [InlineData(8, 8)]
    [InlineData(5, 7)]
    public void Matches_the_torch_reference(int height, int width)
    {
        var ct = TestContext.Current.CancellationToken;
        var path = TinyCheckpoint.Write(_temp.File("tiny.safetensors"), SafetensorsDType.F32);
        var unet = TinyCheckpoint.Config.UNet;
        var random = new Random(11);
        var x = TinyCheckpoint.RandomArray(random, 2 * 4 * height * width);
        float[] t = [999, 1.5f];
        var context = TinyCheckpoint.RandomArray(random, 2 * 77 * unet.ContextDim);
        using var file = SafetensorsFile.Open(path);
        var actual = Run(file, x, [2, 4, height, width], t, context, 77);

        var expected = TorchReference.Run("unet", path, new()
        {
            ["x"] = ([2, 4, height, width], x),
            ["timesteps"] = ([2], t),
            ["context"] = ([2, 77, unet.ContextDim], context),
        }, new { prefix = "model.diffusion_model.", heads = unet.NumHeads }, _temp.Path, ct)["out"];
        Numerics.AssertClose(expected, actual, 2e-4f);
    }

    [Fact]
    public void Fp16_and_fp32_checkpoints_agree_and_runs_are_deterministic()
    {
        var unet = TinyCheckpoint.Config.UNet;
        var random = new Random(12);
        var x = TinyCheckpoint.RandomArray(random, 4 * 8 * 8);
        var context = TinyCheckpoint.RandomArray(random, 154 * unet.ContextDim);
        float[] Eval(string name, SafetensorsDType dtype)
        {
            using var file = SafetensorsFile.Open(TinyCheckpoint.Write(_temp.File(name), dtype));
            return Run(file, x, [1, 4, 8, 8], [500], context, 154);
        }
        var f32 = Eval("a.safetensors", SafetensorsDType.F32);
        Assert.Equal(f32, Eval("b.safetensors", SafetensorsDType.F32));
        Numerics.AssertClose(f32, Eval("c.safetensors", SafetensorsDType.F16), 2e-2f);
    }
}
