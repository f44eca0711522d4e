using System.Buffers.Binary;
using System.Diagnostics;
using ComfySharp.Diffusion.Models;
using ComfySharp.Diffusion.Safetensors;

namespace ComfySharp.DiffusionBench;

internal static class Checkpoint
{
    /// <summary>The benchmark's folder when none is given: under the system's temp folder, never in the repository.</summary>
    public static string DefaultFolder => Path.Combine(Path.GetTempPath(), "comfysharp-diffusion-bench");

    /// <summary>The full-size SD 1.5-shaped checkpoint of <paramref name="folder"/>'s <c>models/checkpoints</c>, written first if missing.</summary>
    public static string Ensure(string folder)
    {
        var path = Path.Combine(folder, "models", "checkpoints", "sd15-random-fp16.safetensors");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var (unet, clip, vae) = Sd1Layout.Sd15();
        EnsureWritten(path, unet, clip, vae);
        return path;
    }

    private static void EnsureWritten(string path, UNetConfig unet, ClipTextConfig clip, VaeConfig vae)
    {
        if (File.Exists(path)) return;
        var write = Stopwatch.StartNew();
        WriteRandomCheckpoint(path, unet, clip, vae);
        Console.WriteLine($"wrote {new FileInfo(path).Length / 1e9:0.00} GB checkpoint in {write.Elapsed.TotalSeconds:0.0} s");
    }

    // Uniform weights of variance 1/fan_in (norm weights near 1), written as fp16 without holding the whole file in memory twice.
    private static void WriteRandomCheckpoint(string path, UNetConfig unet, ClipTextConfig clip, VaeConfig vae)
    {
        var random = new Random(42);
        var tensors = Sd1Layout.Checkpoint(unet, clip, vae).Select(e =>
        {
            var count = e.Shape.Aggregate(1L, (a, b) => a * b);
            var bytes = new byte[count * 2];
            var fanIn = e.Shape.Length >= 2 ? e.Shape.Skip(1).Aggregate(1L, (a, b) => a * b) : 1;
            var norm = e.Shape.Length == 1 && e.Name.EndsWith(".weight", StringComparison.Ordinal);
            var scale = e.Shape.Length >= 2 ? MathF.Sqrt(3f / fanIn) : 0.05f;
            for (long i = 0; i < count; i++)
            {
                var u = (float)(random.NextDouble() * 2 - 1) * scale;
                BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan((int)(i * 2)), (Half)(norm ? 1 + u : u));
            }
            return new TensorToWrite(e.Name, SafetensorsDType.F16, e.Shape, bytes);
        });
        SafetensorsWriter.Write(path, tensors);
    }
}
