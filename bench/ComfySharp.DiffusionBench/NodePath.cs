using System.Diagnostics;
using System.Globalization;
using ComfySharp.Diffusion.Graphs;
using ComfySharp.Engine.Graph;
using ComfySharp.Engine.Tensors;
using ComfySharp.Nodes.Diffusion;
using ComfySharp.Nodes.Diffusion.Conditionings;
using ComfySharp.Nodes.Diffusion.Models;
using ComfySharp.Nodes.Diffusion.Sampling;
using Microsoft.ML.OnnxRuntime;

namespace ComfySharp.DiffusionBench;

/// <summary>
/// One UNet call as KSampler makes it at each step (a 64×64 latent of batch 1 with cfg 7: the guided denoiser batches cond and
/// uncond into one UNet call of batch 2, through SdModel, the model cache and UNetModel) against a bare
/// <see cref="InferenceSession.Run(RunOptions, IReadOnlyCollection{string}, IReadOnlyCollection{OrtValue}, IReadOnlyCollection{string}, IReadOnlyCollection{OrtValue})"/>
/// on the same session with the same inputs, bound once. The two alternate (ABBA) so that a drift in the machine's load
/// falls on both. The overhead is the median of the pairs' differences (a pair hit by another process's burst does not
/// decide it) next to the ratio of the sums, and the node path's own work (everything outside its UNet call) is timed on
/// its own. The denoised latents of both are compared, which shows that the inputs really are the same.
/// </summary>
internal static class NodePath
{
    private const int Size = 64;
    private const int Tokens = 77;
    private const int Width = 768;
    private const float Cfg = 7;

    public static async Task RunAsync(string[] args)
    {
        var folder = args.Length > 0 ? args[0] : Checkpoint.DefaultFolder;
        var pairs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        var path = Checkpoint.Ensure(folder);

        using var cache = new ModelCache(new DiffusionPackOptions(EngineFolders.Under(folder)));
        var model = new SdModel(cache, path);
        var load = Stopwatch.StartNew();
        var session = cache.WithCheckpoint(path, c => c.UNet.Session);
        Console.WriteLine($"UNet session ready in {load.Elapsed.TotalSeconds:0.0} s");

        var random = new Random(3);
        int[] shape = [1, 4, Size, Size];
        var sigma = SamplingMethods.KSamplerSigmas("normal", "euler", 20, 1.0)[0];
        var x = Random(random, 4 * Size * Size, sigma);
        var positive = Random(random, Tokens * Width, 1);
        var negative = Random(random, Tokens * Width, 1);
        var denoiser = new GuidedDenoiser(model, shape, [Entry(positive)], [Entry(negative)], Cfg, SamplingMethods.Timestep);
        var nodeDenoised = new float[x.Length];

        // What the denoiser hands the UNet: x / √(σ² + 1) twice, the timestep of σ, [positive; negative] as context.
        var cIn = 1f / MathF.Sqrt(sigma * sigma + 1f);
        var input = new float[2 * x.Length];
        for (var i = 0; i < x.Length; i++) input[i] = input[x.Length + i] = x[i] * cIn;
        var t = SamplingMethods.Timestep(sigma);
        var context = new float[2 * Tokens * Width];
        positive.CopyTo(context, 0);
        negative.CopyTo(context, Tokens * Width);
        var eps = new float[input.Length];
        using var xValue = OrtValue.CreateTensorValueFromMemory(input, [2, 4, Size, Size]);
        using var tValue = OrtValue.CreateTensorValueFromMemory(new[] { t, t }, [2]);
        using var cValue = OrtValue.CreateTensorValueFromMemory(context, [2, Tokens, Width]);
        using var outValue = OrtValue.CreateTensorValueFromMemory(eps, [2, 4, Size, Size]);
        using var runOptions = new RunOptions();
        string[] inputNames = [UNetGraph.XName, UNetGraph.TimestepsName, UNetGraph.ContextName];
        OrtValue[] inputValues = [xValue, tValue, cValue];
        string[] outputNames = [UNetGraph.OutputName];
        OrtValue[] outputValues = [outValue];

        double Direct()
        {
            var started = Stopwatch.GetTimestamp();
            session.Run(runOptions, inputNames, inputValues, outputNames, outputValues);
            return Stopwatch.GetElapsedTime(started).TotalSeconds;
        }

        async Task<double> Node()
        {
            var started = Stopwatch.GetTimestamp();
            await denoiser.DenoiseAsync(x, sigma, nodeDenoised, CancellationToken.None);
            return Stopwatch.GetElapsedTime(started).TotalSeconds;
        }

        Console.WriteLine($"warm-up: direct {Direct():0.00} s, node {await Node():0.00} s");
        var modelTimeBefore = denoiser.ModelTime;
        double directSum = 0, nodeSum = 0;
        var overheads = new List<double>();
        for (var pair = 0; pair < pairs; pair++)
        {
            double direct, node;
            if (pair % 2 == 0)
            {
                direct = Direct();
                node = await Node();
            }
            else
            {
                node = await Node();
                direct = Direct();
            }
            directSum += direct;
            nodeSum += node;
            overheads.Add(node / direct - 1);
            Console.WriteLine($"  pair {pair + 1}: direct {direct:0.000} s, node {node:0.000} s ({(node / direct - 1) * 100:+0.00;-0.00} %)");
        }

        var inModel = (denoiser.ModelTime - modelTimeBefore).TotalSeconds;
        Console.WriteLine($"UNet 64×64, batch 2 (cond + uncond of a batch-1 latent, cfg {Cfg}), {pairs} pairs:");
        Console.WriteLine($"  direct InferenceSession.Run: mean {directSum / pairs:0.000} s");
        Console.WriteLine($"  node path (GuidedDenoiser → SdModel → model cache → UNetModel.Run): mean {nodeSum / pairs:0.000} s");
        overheads.Sort();
        var median = pairs % 2 == 1 ? overheads[pairs / 2] : (overheads[pairs / 2 - 1] + overheads[pairs / 2]) / 2;
        var own = (nodeSum - inModel) / pairs;
        Console.WriteLine($"  node path overhead: median of the pairs {median * 100:0.00} % (range {overheads[0] * 100:0.00} … {overheads[^1] * 100:0.00} %), "
            + $"ratio of the sums {(nodeSum / directSum - 1) * 100:0.00} %");
        Console.WriteLine($"  node path's own work outside its UNet call (guidance, copies): {own * 1000:0.0} ms per call = {own / (directSum / pairs) * 100:0.000} % of a direct call");
        Console.WriteLine($"  max |denoised difference| node vs direct: {MaxDifference(nodeDenoised, Guided(x, eps, sigma)):g}");
    }

    /// <summary>The guided prediction from the bare call's eps: uncond + (cond − uncond)·cfg with each side x − eps·σ.</summary>
    private static float[] Guided(float[] x, float[] eps, float sigma)
    {
        var result = new float[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            var cond = x[i] - eps[i] * sigma;
            var uncond = x[i] - eps[x.Length + i] * sigma;
            result[i] = uncond + (cond - uncond) * Cfg;
        }
        return result;
    }

    private static float MaxDifference(float[] a, float[] b)
    {
        var max = 0f;
        for (var i = 0; i < a.Length; i++) max = MathF.Max(max, MathF.Abs(a[i] - b[i]));
        return max;
    }

    private static ConditioningEntry Entry(float[] context) => ConditioningEntry.Of(new Tensor([1, Tokens, Width], context));

    private static float[] Random(Random random, int n, float scale)
    {
        var a = new float[n];
        for (var i = 0; i < n; i++) a[i] = (float)(random.NextDouble() * 2 - 1) * scale;
        return a;
    }
}
