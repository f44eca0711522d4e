using System.Diagnostics;
using System.Globalization;
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
/// and a VAE decode. The sessions are made first (a server that has run a prompt has them), so the prompt time is that of a
/// warm server. Prints seconds per step, the whole prompt (text encode + sampling + VAE decode), the UNet time summed over
/// the steps, the sampler overhead (sampling time outside the UNet calls, relative to them), and the peak RSS.
/// </summary>
internal static class Sampling
{
    public static async Task RunAsync(string[] args)
    {
        var folder = args.Length > 0 ? args[0] : Checkpoint.DefaultFolder;
        var steps = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
        var batch = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1;
        var path = Checkpoint.Ensure(folder);

        using var cache = new ModelCache(new DiffusionPackOptions(EngineFolders.Under(folder)));
        var model = new SdModel(cache, path);
        var vae = new SdVae(cache, path, FromCheckpoint: true);
        var load = Stopwatch.StartNew();
        cache.WithCheckpoint(path, c =>
        {
            c.UNet.Prepare();
            return 0;
        });
        Encode(cache, path, 1);
        vae.Decode(Tensor.Zeros(1, 4, 8, 8), CancellationToken.None);
        load.Stop();
        var (afterLoad, loadPeak) = ResidentMemory.Read();
        Console.WriteLine($"UNet, CLIP and VAE decoder sessions ready in {load.Elapsed.TotalSeconds:0.0} s; RSS {ResidentMemory.Gb(afterLoad)} (peak so far {ResidentMemory.Gb(loadPeak)})");
        var resettable = ResidentMemory.ResetPeak();

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
        for (var i = 0; i < latent.Length; i++) latent[i] = result[i] / SamplingRun.LatentScale;
        var decode = Stopwatch.StartNew();
        vae.Decode(new Tensor(shape, latent), CancellationToken.None);
        decode.Stop();
        whole.Stop();
        var (now, peak) = ResidentMemory.Read();

        var samplingSeconds = sampling.Elapsed.TotalSeconds;
        var unetSeconds = denoiser.ModelTime.TotalSeconds;
        Console.WriteLine($"512×512, batch {batch}, {steps} steps, euler / normal, cfg 7 ({denoiser.ModelCalls} UNet calls of batch {2 * batch})");
        Console.WriteLine($"sampling: {samplingSeconds:0.00} s = {samplingSeconds / steps:0.000} s per step (median step {Median(stepTimes):0.000} s)");
        Console.WriteLine($"UNet calls summed over the steps: {unetSeconds:0.00} s; sampler overhead (sampling − UNet) / UNet: "
            + $"{samplingSeconds - unetSeconds:0.000} s = {(samplingSeconds - unetSeconds) / unetSeconds * 100:0.000} %");
        Console.WriteLine($"whole prompt: text encode {clipTime.TotalSeconds:0.00} s + sampling {samplingSeconds:0.00} s + VAE decode "
            + $"{decode.Elapsed.TotalSeconds:0.00} s = {whole.Elapsed.TotalSeconds:0.00} s");
        Console.WriteLine($"peak RSS {(resettable ? "during the generation" : "of the process")}: {ResidentMemory.Gb(peak)} "
            + $"(after load {ResidentMemory.Gb(afterLoad)}, now {ResidentMemory.Gb(now)})");
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
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
