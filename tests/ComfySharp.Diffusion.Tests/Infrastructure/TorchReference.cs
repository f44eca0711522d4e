using System.Diagnostics;
using System.Text.Json;
using ComfySharp.Diffusion.Safetensors;

namespace ComfySharp.Diffusion.Tests.Infrastructure;

/// <summary>
/// Runs Reference/reference.py (our own plain-PyTorch implementation of each model) on a checkpoint and inputs, and
/// returns its outputs. Python comes from COMFYSHARP_TEST_PYTHON or Debian's /usr/bin/python3, where test.sh installs
/// python3-torch.
/// </summary>
internal static class TorchReference
{
    public static Dictionary<string, float[]> Run(string model, string checkpoint, Dictionary<string, (long[] Shape, float[] Data)> inputs,
        object options, string workFolder, CancellationToken ct)
    {
        var inputPath = Path.Combine(workFolder, model + "-in.safetensors");
        var outputPath = Path.Combine(workFolder, model + "-out.safetensors");
        SafetensorsWriter.Write(inputPath, inputs.Select(i => TensorToWrite.FromFloats(i.Key, SafetensorsDType.F32, i.Value.Shape, i.Value.Data)));

        var python = Environment.GetEnvironmentVariable("COMFYSHARP_TEST_PYTHON") is { Length: > 0 } p ? p : "/usr/bin/python3";
        var start = new ProcessStartInfo(python)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])[Path.Combine(AppContext.BaseDirectory, "Reference", "reference.py"), model, checkpoint, inputPath, outputPath,
                     JsonSerializer.Serialize(options)])
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync(ct);
        _ = process.StandardOutput.ReadToEndAsync(ct);
        process.WaitForExitAsync(ct).GetAwaiter().GetResult();
        if (process.ExitCode != 0) throw new InvalidOperationException($"reference.py {model} failed:\n{stderr.GetAwaiter().GetResult()}");

        using var file = SafetensorsFile.Open(outputPath);
        return file.Tensors.ToDictionary(t => t.Name, t => file.ReadFloat32(t));
    }
}
