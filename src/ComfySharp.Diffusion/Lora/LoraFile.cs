using ComfySharp.Diffusion.Safetensors;

namespace ComfySharp.Diffusion.Lora;

/// <summary>How a patch changes its weight: a low-rank product (LoRA/LoCon) or a full difference.</summary>
internal enum LoraPatchKind
{
    LowRank,
    Diff,
}

/// <summary>One checkpoint tensor changed by a LoRA file: the tensors of the file that say how.</summary>
internal sealed record LoraPatch(string CheckpointKey, LoraTarget Target, LoraPatchKind Kind, TensorEntry Up, TensorEntry? Down, TensorEntry? Mid, float? Alpha)
{
    /// <summary>The names of the file's tensors this patch is made of.</summary>
    public List<string> Names { get; } = [];
}

/// <summary>The patches of a LoRA file, and the names of its tensors that matched nothing (ComfyUI: "lora key not loaded").</summary>
internal sealed record LoraContents(IReadOnlyList<LoraPatch> Patches, IReadOnlyList<string> NotLoaded);

/// <summary>
/// Reads a LoRA file as ComfyUI's comfy/lora.py <c>load_lora</c> does for the formats ComfySharp applies:
/// low-rank pairs named <c>.lora_up.weight</c>/<c>.lora_down.weight</c> (+ <c>.lora_mid.weight</c> for LoCon's 3×3 Tucker
/// form, + <c>.alpha</c>), <c>_lora.up.weight</c>/<c>_lora.down.weight</c>, <c>.lora_B.weight</c>/<c>.lora_A.weight</c>,
/// <c>.lora.up.weight</c>/<c>.lora.down.weight</c>, <c>.lora_linear_layer.up.weight</c>/<c>.down.weight</c>, and full
/// differences <c>.diff</c>/<c>.diff_b</c>. LoHa, LoKr, GLoRA, OFT/BOFT, DoRA and norm patches are refused by name:
/// ComfyUI applies them, so skipping them would silently give a different model.
/// </summary>
internal static class LoraFile
{
    private static readonly (string Up, string Down, bool HasMid)[] LowRankNames =
    [
        (".lora_up.weight", ".lora_down.weight", true),
        ("_lora.up.weight", "_lora.down.weight", false),
        (".lora_B.weight", ".lora_A.weight", false),
        (".lora.up.weight", ".lora.down.weight", false),
        (".lora_linear_layer.up.weight", ".lora_linear_layer.down.weight", false),
    ];

    private static readonly (string Suffix, string Format)[] Unsupported =
    [
        (".hada_w1_a", "LoHa"), (".hada_w1_b", "LoHa"),
        (".lokr_w1", "LoKr"), (".lokr_w2", "LoKr"), (".lokr_w1_a", "LoKr"), (".lokr_w2_a", "LoKr"),
        (".a1.weight", "GLoRA"), (".b1.weight", "GLoRA"),
        (".oft_blocks", "OFT"), (".oft_diag", "OFT"), (".boft_blocks", "BOFT"),
        (".dora_scale", "DoRA"),
        (".w_norm", "norm"), (".b_norm", "norm"),
        (".set_weight", "set-weight"),
    ];

    public static LoraContents Read(SafetensorsFile lora, LoraKeyMap map, SafetensorsFile checkpoint)
    {
        foreach (var t in lora.Tensors)
        {
            foreach (var (suffix, format) in Unsupported)
            {
                if (t.Name.EndsWith(suffix, StringComparison.Ordinal))
                {
                    throw new LoraException(lora.FileName,
                        $"it is in the {format} format ('{t.Name}'); ComfySharp applies LoRA/LoCon low-rank and diff patches only");
                }
            }
        }

        var used = new HashSet<string>(StringComparer.Ordinal);
        var patches = new List<LoraPatch>();
        foreach (var t in lora.Tensors)
        {
            foreach (var (upSuffix, downSuffix, hasMid) in LowRankNames)
            {
                if (!t.Name.EndsWith(upSuffix, StringComparison.Ordinal)) continue;
                var stem = t.Name[..^upSuffix.Length];
                if (!map.TryGet(stem, out var key, out var target)) continue;
                var down = lora.TryGet(stem + downSuffix, out var d) ? d
                    : throw new LoraException(lora.FileName, $"'{t.Name}' has no matching '{stem + downSuffix}'");
                TensorEntry? mid = hasMid && lora.TryGet(stem + ".lora_mid.weight", out var m) ? m : null;
                float? alpha = lora.TryGet(stem + ".alpha", out var a) ? Scalar(lora, a) : null;
                var patch = new LoraPatch(key, target, LoraPatchKind.LowRank, t, down, mid, alpha);
                Check(lora, checkpoint, patch);
                patches.Add(patch);
                patch.Names.Add(t.Name);
                patch.Names.Add(down.Name);
                if (mid is not null) patch.Names.Add(mid.Name);
                if (alpha is not null) patch.Names.Add(stem + ".alpha");
                used.UnionWith(patch.Names);
                break;
            }

            if (t.Name.EndsWith(".diff", StringComparison.Ordinal) && map.TryGet(t.Name[..^".diff".Length], out var diffKey, out var diffTarget))
            {
                var patch = new LoraPatch(diffKey, diffTarget, LoraPatchKind.Diff, t, null, null, null);
                Check(lora, checkpoint, patch);
                patches.Add(patch);
                patch.Names.Add(t.Name);
                used.Add(t.Name);
            }
            else if (t.Name.EndsWith(".diff_b", StringComparison.Ordinal)
                && map.TryGet(t.Name[..^".diff_b".Length], out var weightKey, out var biasTarget)
                && weightKey.EndsWith(".weight", StringComparison.Ordinal))
            {
                var patch = new LoraPatch(weightKey[..^".weight".Length] + ".bias", biasTarget, LoraPatchKind.Diff, t, null, null, null);
                Check(lora, checkpoint, patch);
                patches.Add(patch);
                patch.Names.Add(t.Name);
                used.Add(t.Name);
            }
        }

        var notLoaded = lora.Tensors.Select(t => t.Name).Where(n => !used.Contains(n)).ToList();
        return new LoraContents(patches, notLoaded);
    }

    /// <summary>The shapes must give exactly the checkpoint tensor's shape, as ComfyUI's reshape to the weight's shape requires.</summary>
    private static void Check(SafetensorsFile lora, SafetensorsFile checkpoint, LoraPatch p)
    {
        if (!checkpoint.TryGet(p.CheckpointKey, out var weight))
        {
            throw new LoraException(lora.FileName, $"'{p.Up.Name}' patches '{p.CheckpointKey}', which this checkpoint does not have");
        }
        foreach (var t in (TensorEntry?[])[p.Up, p.Down, p.Mid])
        {
            if (t is not null && !t.DType.IsWeightType())
            {
                throw new LoraException(lora.FileName, $"tensor '{t.Name}' is {t.DType.Name()}; LoRA weights must be F32, F16 or BF16");
            }
        }
        var weightShape = $"[{string.Join(", ", weight.Shape)}]";
        if (p.Kind == LoraPatchKind.Diff)
        {
            if (p.Up.ElementCount != weight.ElementCount)
            {
                throw new LoraException(lora.FileName,
                    $"'{p.Up.Name}' has shape [{string.Join(", ", p.Up.Shape)}] but '{p.CheckpointKey}' has {weightShape} (a LoRA for another model?)");
            }
            return;
        }

        var up = p.Up;
        var down = p.Down!;
        long outputs = up.Shape.Length > 0 ? up.Shape[0] : 0;
        long rank = down.Shape.Length > 0 ? down.Shape[0] : 0;
        if (outputs == 0 || rank == 0) throw new LoraException(lora.FileName, $"'{up.Name}' or '{down.Name}' is empty");
        var inner = down.ElementCount / rank;
        var middle = rank;
        if (p.Mid is { } mid)
        {
            if (mid.Shape.Length != 4 || mid.Shape[1] != rank)
            {
                throw new LoraException(lora.FileName, $"'{mid.Name}' has shape [{string.Join(", ", mid.Shape)}], which does not follow '{down.Name}' of rank {rank}");
            }
            middle = mid.Shape[0];
            inner *= mid.Shape[2] * mid.Shape[3];
        }
        if (up.ElementCount != outputs * middle)
        {
            throw new LoraException(lora.FileName, $"'{up.Name}' has shape [{string.Join(", ", up.Shape)}], which does not multiply with rank {middle}");
        }
        if (weight.Shape.Length == 0 || weight.Shape[0] != outputs || outputs * inner != weight.ElementCount)
        {
            throw new LoraException(lora.FileName,
                $"'{up.Name}' × '{down.Name}' gives [{outputs}, {inner}] but '{p.CheckpointKey}' has {weightShape} (a LoRA for another model?)");
        }
    }

    private static float Scalar(SafetensorsFile lora, TensorEntry entry)
    {
        if (entry.ElementCount != 1) throw new LoraException(lora.FileName, $"'{entry.Name}' must hold one value, it has {entry.ElementCount}");
        if (!entry.DType.IsWeightType()) throw new LoraException(lora.FileName, $"'{entry.Name}' is {entry.DType.Name()}; alpha must be F32, F16 or BF16");
        return lora.ReadFloat32(entry)[0];
    }
}
