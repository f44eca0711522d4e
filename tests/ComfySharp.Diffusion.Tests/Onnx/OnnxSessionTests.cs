using ComfySharp.Diffusion.Onnx;
using ComfySharp.Diffusion.Safetensors;
using ComfySharp.Diffusion.Tests.Infrastructure;
using Microsoft.ML.OnnxRuntime;

namespace ComfySharp.Diffusion.Tests.Onnx;

public sealed class OnnxSessionTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("F32")]
    [InlineData("F16")]
    [InlineData("BF16")]
    public void Linear_layer_runs_on_weights_from_the_mapped_file(string dtypeName)
    {
        Assert.True(SafetensorsDTypes.TryParse(dtypeName, out var dtype));
        float[] w = [1, 2, 3, 4, 5, 6];   // [out=2, in=3]
        float[] b = [0.5f, -1];
        var path = _temp.File("w.safetensors");
        SafetensorsWriter.Write(path,
        [
            TensorToWrite.FromFloats("fc.weight", dtype, [2, 3], w),
            TensorToWrite.FromFloats("fc.bias", dtype, [2], b),
        ]);

        using var file = SafetensorsFile.Open(path);
        var graph = new OnnxGraph("linear", new CheckpointWeights(file));
        var x = graph.Input("x", OnnxDataType.Float, "n", 3);
        graph.Output(graph.Linear(x, "fc", 3, 2), "y", OnnxDataType.Float, "n", 2);
        using var session = OnnxModelSession.Create(graph);
        Assert.True(session.ModelBytes < 1024);

        using var input = OrtValue.CreateTensorValueFromMemory(new float[] { 1, 0, -1, 2, 2, 2 }, [2, 3]);
        using var results = session.Session.Run(new RunOptions(), ["x"], [input], ["y"]);
        var y = results[0].GetTensorDataAsSpan<float>().ToArray();
        Assert.Equal([1 - 3 + 0.5f, 4 - 6 - 1, 12 + 0.5f, 30 - 1], y);
    }

    [Fact]
    public void Weight_with_the_wrong_size_names_file_and_tensor()
    {
        var path = _temp.File("w.safetensors");
        SafetensorsWriter.Write(path,
        [
            TensorToWrite.FromFloats("fc.weight", SafetensorsDType.F32, [3, 3], new float[9]),
            TensorToWrite.FromFloats("fc.bias", SafetensorsDType.F32, [2], new float[2]),
        ]);
        using var file = SafetensorsFile.Open(path);
        var graph = new OnnxGraph("linear", new CheckpointWeights(file));
        var x = graph.Input("x", OnnxDataType.Float, "n", 3);
        var e = Assert.Throws<SafetensorsException>(() => graph.Linear(x, "fc", 3, 2));
        Assert.Contains("'w.safetensors'", e.Message);
        Assert.Contains("'fc.weight' has 9 elements, the model needs [2, 3]", e.Message);
        Assert.Contains("no tensor 'other.weight'", Assert.Throws<SafetensorsException>(() => graph.Linear(x, "other", 3, 2)).Message);
    }
}
