using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using ComfySharp.Diffusion.Lora;
using ComfySharp.Diffusion.Models;
using ComfySharp.Diffusion.Safetensors;
using ComfySharp.Engine.Graph;
using ComfySharp.Nodes.Diffusion;
using ComfySharp.Nodes.Diffusion.Loaders;
using ComfySharp.Nodes.Diffusion.Models;

namespace ComfySharp.DiffusionBench;

/// <summary>
/// A full-size kohya LoRA (rank 32 by default, fp16, alpha = rank / 2) over every layer kohya's default SD 1.x network
/// trains: in the UNet each spatial transformer's proj_in/proj_out (1×1 convs) and its attention and feed-forward linears
/// (<c>lora_unet_</c> + diffusers names), in the text encoder each layer's q/k/v/out projections and MLP
/// (<c>lora_te_</c>). It goes through what LoraLoader runs: the node's check of the file against the checkpoint, then the
/// model cache's merge into a patch file under the temp folder when the patched UNet and CLIP are first used. Prints
/// each phase's time, the patch file sizes, and the peak RSS of each merge over the RSS before it.
/// </summary>
internal static class LoraMerge
{
    private static readonly string[] TransformerLayers =
    [
        ".proj_in.weight", ".proj_out.weight",
        ".attn1.to_q.weight", ".attn1.to_k.weight", ".attn1.to_v.weight", ".attn1.to_out.0.weight",
        ".attn2.to_q.weight", ".attn2.to_k.weight", ".attn2.to_v.weight", ".attn2.to_out.0.weight",
        ".ff.net.0.proj.weight", ".ff.net.2.weight",
    ];

    private static readonly (string Hf, string Kohya)[] ClipLayers =
    [
        ("self_attn.q_proj", "self_attn_q_proj"), ("self_attn.k_proj", "self_attn_k_proj"), ("self_attn.v_proj", "self_attn_v_proj"),
        ("self_attn.out_proj", "self_attn_out_proj"), ("mlp.fc1", "mlp_fc1"), ("mlp.fc2", "mlp_fc2"),
    ];

    public static void Run(string[] args)
    {
        var folder = args.Length > 0 ? args[0] : Checkpoint.DefaultFolder;
        var rank = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 32;
        var path = Checkpoint.Ensure(folder);
        using var cache = new ModelCache(new DiffusionPackOptions(EngineFolders.Under(folder)));
        Directory.CreateDirectory(cache.Options.Loras);
        var loraPath = Path.Combine(cache.Options.Loras, $"sd15-random-rank{rank}.safetensors");
        var (modules, unetModules) = Write(loraPath, rank);
        Console.WriteLine($"LoRA: {modules} modules ({unetModules} UNet, {modules - unetModules} text encoder), rank {rank}, "
            + $"{new FileInfo(loraPath).Length / 1e6:0.0} MB");

        var check = Stopwatch.StartNew();
        var notLoaded = LoraLoader.Check(cache, loraPath, path, LoraTarget.UNet, path);
        check.Stop();
        if (notLoaded.Count > 0) throw new InvalidOperationException($"{notLoaded.Count} LoRA tensors match no weight, e.g. '{notLoaded[0]}'.");
        Console.WriteLine($"LoraLoader check (open the checkpoint, read and check the LoRA against it): {check.Elapsed.TotalSeconds:0.00} s");

        LoraRef[] loras = [new LoraRef(loraPath, 1.0)];
        var resettable = true;
        foreach (var target in (LoraTarget[])[LoraTarget.UNet, LoraTarget.Clip])
        {
            var before = Directory.Exists(cache.Options.LoraPatches) ? Directory.GetFiles(cache.Options.LoraPatches).ToHashSet() : [];
            GC.Collect(); // the previous phase's garbage is not counted as this merge's
            resettable &= ResidentMemory.ResetPeak();
            var (rssBefore, _) = ResidentMemory.Read();
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var merge = Stopwatch.StartNew();
            // The merge is what the first use of the patched model loads; the session is made after it and is not timed here.
            cache.WithCheckpoint(path, loras, target, static _ => 0);
            merge.Stop();
            var (_, peak) = ResidentMemory.Read();
            allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
            var patch = Directory.GetFiles(cache.Options.LoraPatches).Single(f => !before.Contains(f));
            Console.WriteLine($"merge into the {target} (read, fp32 merge, write the patch file, open it): {merge.Elapsed.TotalSeconds:0.00} s; "
                + $"patch {new FileInfo(patch).Length / 1e6:0} MB; RSS {ResidentMemory.Gb(rssBefore)} before, peak {ResidentMemory.Gb(peak)} "
                + $"(+{ResidentMemory.Gb(peak - rssBefore)}); {allocated / 1e9:0.00} GB allocated");
        }
        if (!resettable) Console.WriteLine("(peak RSS could not be reset: the peaks above are the process's lifetime peak)");
    }

    /// <summary>Writes the LoRA (unless it is there); returns the number of modules and how many are in the UNet.</summary>
    private static (int Modules, int UNetModules) Write(string loraPath, int rank)
    {
        var (unet, clip, vae) = Sd1Layout.Sd15();
        var shapes = Sd1Layout.Checkpoint(unet, clip, vae).ToDictionary(e => e.Name, e => e.Shape, StringComparer.Ordinal);
        var targets = new List<(string Stem, long[] Shape)>();
        foreach (var (diffusers, ldm) in DiffusersUNetNames.Map(unet))
        {
            if (!diffusers.Contains(".attentions.", StringComparison.Ordinal)) continue;
            var layer = Array.Find(TransformerLayers, l => diffusers.EndsWith(l, StringComparison.Ordinal));
            if (layer is null) continue;
            targets.Add(("lora_unet_" + diffusers[..^".weight".Length].Replace('.', '_'), shapes[DetectedCheckpoint.UNetPrefix + ldm]));
        }
        var unetModules = targets.Count;
        for (var layer = 0; layer < clip.Layers; layer++)
        {
            foreach (var (hf, kohya) in ClipLayers)
            {
                targets.Add(($"lora_te_text_model_encoder_layers_{layer}_{kohya}",
                    shapes[$"{DetectedCheckpoint.ClipPrefix}text_model.encoder.layers.{layer}.{hf}.weight"]));
            }
        }
        if (File.Exists(loraPath)) return (targets.Count, unetModules);

        // Down as kohya initialises it (uniform of variance 1/fan_in), up small (a trained LoRA's are; kohya starts them at 0).
        var random = new Random(5);
        var tensors = new List<TensorToWrite>();
        foreach (var (stem, shape) in targets)
        {
            long outputs = shape[0], inputs = shape[1];
            long[] tail = shape.Length == 4 ? [1, 1] : [];
            tensors.Add(Random(stem + ".lora_down.weight", [rank, inputs, .. tail], MathF.Sqrt(3f / inputs), random));
            tensors.Add(Random(stem + ".lora_up.weight", [outputs, rank, .. tail], 0.01f, random));
            tensors.Add(TensorToWrite.FromFloats(stem + ".alpha", SafetensorsDType.F16, [], [rank / 2f]));
        }
        SafetensorsWriter.Write(loraPath, tensors, new Dictionary<string, string>
        {
            ["ss_network_module"] = "networks.lora",
            ["ss_network_dim"] = rank.ToString(CultureInfo.InvariantCulture),
            ["ss_network_alpha"] = (rank / 2).ToString(CultureInfo.InvariantCulture),
        });
        return (targets.Count, unetModules);
    }

    private static TensorToWrite Random(string name, long[] shape, float scale, Random random)
    {
        var count = shape.Aggregate(1L, (a, b) => a * b);
        var bytes = new byte[count * 2];
        for (var i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(i * 2), (Half)((random.NextDouble() * 2 - 1) * scale));
        }
        return new TensorToWrite(name, SafetensorsDType.F16, shape, bytes);
    }
}
