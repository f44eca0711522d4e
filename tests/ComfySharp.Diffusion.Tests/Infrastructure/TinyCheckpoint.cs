using ComfySharp.Diffusion.Models;
using ComfySharp.Diffusion.Safetensors;

namespace ComfySharp.Diffusion.Tests.Infrastructure;

/// <summary>
/// Writes a tiny SD 1.x checkpoint: the real key names and layout (<see cref="Sd1Layout"/>), few channels, random
/// weights scaled by fan-in so activations stay in a sane range, plus the int64 position_ids many real files carry.
/// </summary>
internal static class TinyCheckpoint
{
    public static (UNetConfig UNet, ClipTextConfig Clip, VaeConfig Vae) Config { get; } = Sd1Layout.Tiny(TinyVocabulary.Vocab().Count);

    public static string Write(string path, SafetensorsDType dtype, int seed = 1)
    {
        var random = new Random(seed);
        var tensors = new List<TensorToWrite>();
        foreach (var (name, shape) in Sd1Layout.Checkpoint(Config.UNet, Config.Clip, Config.Vae))
        {
            var count = (int)shape.Aggregate(1L, (a, b) => a * b);
            var values = new float[count];
            var fanIn = shape.Length >= 2 ? shape.Skip(1).Aggregate(1L, (a, b) => a * b) : 1;
            var norm = shape.Length == 1 && name.EndsWith(".weight", StringComparison.Ordinal);
            for (var i = 0; i < count; i++)
            {
                var n = Gaussian(random);
                values[i] = shape.Length >= 2 ? n / MathF.Sqrt(fanIn) : norm ? 1 + 0.1f * n : 0.1f * n;
            }
            tensors.Add(TensorToWrite.FromFloats(name, dtype, shape, values));
        }
        var ids = new byte[77 * 8];
        for (var i = 0; i < 77; i++) BitConverter.TryWriteBytes(ids.AsSpan(i * 8), (long)i);
        tensors.Add(new TensorToWrite(Config.Clip.Prefix + "embeddings.position_ids", SafetensorsDType.I64, [1, 77], ids));
        SafetensorsWriter.Write(path, tensors);
        return path;
    }

    public static float Gaussian(Random random)
    {
        var u1 = 1 - random.NextDouble();
        var u2 = random.NextDouble();
        return (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
    }

    public static float[] RandomArray(Random random, int count, float scale = 1)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++) values[i] = Gaussian(random) * scale;
        return values;
    }
}
