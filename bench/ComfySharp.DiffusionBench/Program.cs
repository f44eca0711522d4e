using System.Diagnostics;
using ComfySharp.Diffusion.Graphs;
using ComfySharp.Diffusion.Models;
using ComfySharp.Diffusion.Onnx;
using ComfySharp.Diffusion.Safetensors;
using ComfySharp.Diffusion.Text;
using ComfySharp.Engine.Graph;
using ComfySharp.Engine.Tensors;
using ComfySharp.Nodes.Diffusion;
using ComfySharp.Nodes.Diffusion.Models;
using Microsoft.ML.OnnxRuntime;

// Diffusion benchmark on a full-size SD 1.5-shaped checkpoint of random fp16 weights (about 2 GB) that it writes itself.
// The default mode measures load time (file → ready sessions), RSS after load, one UNet evaluation (64×64 latent, batch 2),
// one CLIP encode (one 77-token chunk), and a VAE decode of a 64×64 latent directly and through the node path (SdVae, as
// VAEDecode calls it). The other modes:
//   unet-node  the UNet call KSampler's denoiser makes per step against a bare InferenceSession.Run (NodePath.cs)
//   lora       a full-size rank-32 kohya LoRA merged through LoraLoader's code path (LoraMerge.cs)
//   sample     a 512×512 text-to-image generation: s/step, whole prompt, sampler overhead, peak RSS (Sampling.cs)
// usage: dotnet run -c Release --project bench/ComfySharp.DiffusionBench -- [folder] [runs]
//        dotnet run -c Release --project bench/ComfySharp.DiffusionBench -- unet-node [folder] [pairs]
//        dotnet run -c Release --project bench/ComfySharp.DiffusionBench -- lora [folder] [rank]
//        dotnet run -c Release --project bench/ComfySharp.DiffusionBench -- sample [folder] [steps] [batch]
switch (args.Length > 0 ? args[0] : null)
{
    case "unet-node":
        await ComfySharp.DiffusionBench.NodePath.RunAsync(args[1..]);
        return;
    case "lora":
        ComfySharp.DiffusionBench.LoraMerge.Run(args[1..]);
        return;
    case "sample":
        await ComfySharp.DiffusionBench.Sampling.RunAsync(args[1..]);
        return;
}
var folder = args.Length > 0 ? args[0] : ComfySharp.DiffusionBench.Checkpoint.DefaultFolder;
var runs = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2;
var path = ComfySharp.DiffusionBench.Checkpoint.Ensure(folder);

var load = Stopwatch.StartNew();
using var file = SafetensorsFile.Open(path);
var detected = CheckpointDetector.Detect(file);
var weights = new CheckpointWeights(file);
using var clip = new ClipTextEncoder(detected.Clip!, weights);
using var unet = OnnxModelSession.Create(UNetGraph.Build(detected.UNet!, weights));
using var vaeDecoder = OnnxModelSession.Create(VaeGraph.Decoder(detected.Vae!, weights, DetectedCheckpoint.VaePrefix));
// The CLIP session is made on first use; one encode makes it part of "ready".
var chunk = Enumerable.Range(0, 77).Select(i => new PromptToken(i == 0 ? 49406 : i < 20 ? 1000 + i : 49407, 1)).ToArray();
clip.Encode([chunk], -1, 49406, 49407);
load.Stop();
using var self = Process.GetCurrentProcess();
self.Refresh();
Console.WriteLine($"load (open, detect, CLIP + UNet + VAE decoder sessions, first CLIP run): {load.Elapsed.TotalSeconds:0.00} s");
Console.WriteLine($"RSS after load: {self.WorkingSet64 / 1e9:0.00} GB (peak {self.PeakWorkingSet64 / 1e9:0.00} GB)");

Measure("CLIP encode, one 77-token chunk", runs, () => clip.Encode([chunk], -1, 49406, 49407));

var random = new Random(1);
var x = RandomArray(random, 2 * 4 * 64 * 64);
var context = RandomArray(random, 2 * 77 * 768);
using var xv = OrtValue.CreateTensorValueFromMemory(x, [2, 4, 64, 64]);
using var tv = OrtValue.CreateTensorValueFromMemory(new float[] { 999, 999 }, [2]);
using var cv = OrtValue.CreateTensorValueFromMemory(context, [2, 77, 768]);
using var runOptions = new RunOptions();
Measure("UNet, 64×64 latent, batch 2 (InferenceSession.Run)", runs, () =>
{
    using var r = unet.Session.Run(runOptions, [UNetGraph.XName, UNetGraph.TimestepsName, UNetGraph.ContextName], [xv, tv, cv], [UNetGraph.OutputName]);
});

var latent = RandomArray(random, 4 * 64 * 64);
using var lv = OrtValue.CreateTensorValueFromMemory(latent, [1, 4, 64, 64]);
var direct = Measure("VAE decode, 64×64 latent (InferenceSession.Run)", runs, () =>
{
    using var r = vaeDecoder.Session.Run(runOptions, [VaeGraph.LatentName], [lv], [VaeGraph.ImageName]);
});
using var cache = new ModelCache(new DiffusionPackOptions(EngineFolders.Under(folder)));
var vae = new SdVae(cache, path, FromCheckpoint: true);
var samples = new Tensor([1, 4, 64, 64], latent);
vae.Decode(samples, CancellationToken.None);
var node = Measure("VAE decode, 64×64 latent (node path: SdVae → model cache → session)", runs, () => vae.Decode(samples, CancellationToken.None));
Console.WriteLine($"node path overhead: {(node / direct - 1) * 100:0.00} %");
return;

static double Measure(string name, int runs, Action action)
{
    action();
    var times = new List<double>();
    for (var i = 0; i < runs; i++)
    {
        var sw = Stopwatch.StartNew();
        action();
        times.Add(sw.Elapsed.TotalMilliseconds);
    }
    times.Sort();
    var median = times[times.Count / 2];
    Console.WriteLine($"{name}: median {median:0.0} ms over {runs} runs (min {times[0]:0.0}, max {times[^1]:0.0})");
    return median;
}

static float[] RandomArray(Random random, int n)
{
    var a = new float[n];
    for (var i = 0; i < n; i++) a[i] = (float)(random.NextDouble() * 2 - 1);
    return a;
}
