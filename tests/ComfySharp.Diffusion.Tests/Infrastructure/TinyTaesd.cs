using System.Globalization;
using ComfySharp.Diffusion.Safetensors;

namespace ComfySharp.Diffusion.Tests.Infrastructure;

/// <summary>A TAESD decoder for 4 latent channels with every tensor of the published one, random, scaled by 1/√fan-in so activations stay in range.</summary>
internal static class TinyTaesd
{
    public static string Write(string path, SafetensorsDType dtype = SafetensorsDType.F32, int seed = 11)
    {
        var random = new Random(seed);
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
        static string Name(int layer) => layer.ToString(CultureInfo.InvariantCulture);
        Conv("1", 4, 64);
        foreach (var block in new[] { 3, 4, 5, 8, 9, 10, 13, 14, 15, 18 })
        {
            foreach (var c in new[] { 0, 2, 4 }) Conv($"{Name(block)}.conv.{c}", 64, 64);
        }
        foreach (var up in new[] { 7, 12, 17 }) Conv(Name(up), 64, 64, bias: false);
        Conv("19", 64, 3);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        SafetensorsWriter.Write(path, tensors);
        return path;
    }
}
