using System.Diagnostics;
using System.Globalization;
using ComfySharp.Diffusion.Models;
using ComfySharp.Diffusion.Text;
using ComfySharp.Engine.Graph;
using ComfySharp.Engine.Tensors;
using ComfySharp.Nodes.Diffusion;
using ComfySharp.Nodes.Diffusion.Conditionings;
using ComfySharp.Nodes.Diffusion.Models;
using ComfySharp.Nodes.Diffusion.Sampling;

namespace ComfySharp.DiffusionBench;

/// <summary>
/// A 512×512 text-to-image generation on the full-size random checkpoint, through the same pieces the KSampler node uses:
/// two CLIP encodes, the guided denoiser (cond + uncond batched, cfg 7) under the euler sampler with the normal schedule,
/// and a VAE decode. Prints seconds per step, the whole generation, the share of sampling time spent outside the UNet
/// calls (sampler + guidance overhead), and the process's peak RSS.
/// </summary>
internal static class Sampling
{
    public static async Task RunAsync(string[] args)
    {
        var folder = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "comfysharp-diffusion-bench");
        var steps = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
        var batch = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1;
        var path = Path.Combine(folder, "models", "checkpoints", "sd15-random-fp16.safetensors");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var (unetConfig, clipConfig, vaeConfig) = Sd1Layout.Sd15();
        Checkpoint.EnsureWritten(path, unetConfig, clipConfig, vaeConfig);

        using var cache = new ModelCache(new DiffusionPackOptions(EngineFolders.Under(folder)));
        var model = new SdModel(cache, path);
        var vae = new SdVae(cache, path, FromCheckpoint: true);
        var load = Stopwatch.StartNew();
        cache.WithCheckpoint(path, c =>
        {
            c.UNet.Prepare();
            return 0;
        });
        Console.WriteLine($"UNet session ready in {load.Elapsed.TotalSeconds:0.0} s");

        var whole = Stopwatch.StartNew();
        var positive = Encode(cache, path, 20);
        var negative = Encode(cache, path, 5);
        var clipTime = whole.Elapsed;

        int[] shape = [batch, 4, 64, 64];
        var sigmas = SamplingMethods.KSamplerSigmas("normal", "euler", steps, 1.0);
        var noise = SamplingMethods.PrepareNoise(42, shape, null);
        var x = SamplingMethods.NoiseScaling(sigmas, noise, new float[noise.Length]);
        var denoiser = new GuidedDenoiser(model, shape, positive, negative, 7.0, SamplingMethods.Timestep);
        var stepTimes = new List<double>();
        var stepWatch = Stopwatch.StartNew();
        var sampling = Stopwatch.StartNew();
        var result = await SamplingMethods.SampleAsync("euler", denoiser, x, shape, sigmas, 42, step =>
        {
            stepTimes.Add(stepWatch.Elapsed.TotalSeconds);
            stepWatch.Restart();
            Console.WriteLine($"  step {step.Index + 1}/{step.Total}: {stepTimes[^1]:0.00} s");
        }, CancellationToken.None);
        sampling.Stop();

        var latent = new float[result.Length];
        for (var i = 0; i < latent.Length; i++) latent[i] = result[i] / 0.18215f;
        var decode = Stopwatch.StartNew();
        vae.Decode(new Tensor(shape, latent), CancellationToken.None);
        decode.Stop();
        whole.Stop();

        var samplingSeconds = sampling.Elapsed.TotalSeconds;
        var modelSeconds = denoiser.ModelTime.TotalSeconds;
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        Console.WriteLine($"512×512, batch {batch}, {steps} steps, euler / normal, cfg 7 ({denoiser.ModelCalls} UNet calls of batch {2 * batch})");
        Console.WriteLine($"sampling: {samplingSeconds:0.0} s = {samplingSeconds / steps:0.00} s per step (median step {Median(stepTimes):0.00} s)");
        Console.WriteLine($"UNet calls: {modelSeconds:0.0} s; sampler + guidance overhead: {samplingSeconds - modelSeconds:0.000} s = {(samplingSeconds - modelSeconds) / samplingSeconds * 100:0.00} %");
        Console.WriteLine($"whole generation (2 CLIP encodes {clipTime.TotalSeconds:0.0} s + sampling + VAE decode {decode.Elapsed.TotalSeconds:0.0} s): {whole.Elapsed.TotalSeconds:0.0} s");
        Console.WriteLine($"peak RSS: {self.PeakWorkingSet64 / 1e9:0.00} GB (now {self.WorkingSet64 / 1e9:0.00} GB)");
    }

    private static List<ConditioningEntry> Encode(ModelCache cache, string path, int words)
    {
        var chunk = Enumerable.Range(0, 77).Select(i => new PromptToken(i == 0 ? 49406 : i <= words ? 1000 + i : 49407, 1)).ToArray();
        var data = cache.WithCheckpoint(path, c => c.Clip.Encode([chunk], -1, 49406, 49407));
        return [ConditioningEntry.Of(new Tensor([1, 77, data.Length / 77], data))];
    }

    private static double Median(List<double> values)
    {
        if (values.Count == 0) return 0;
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
