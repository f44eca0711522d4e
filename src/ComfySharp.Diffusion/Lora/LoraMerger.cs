using System.Numerics.Tensors;
using ComfySharp.Diffusion.Safetensors;

namespace ComfySharp.Diffusion.Lora;

/// <summary>One LoRA file applied with a strength.</summary>
internal readonly record struct LoraApplication(string Path, float Strength);

/// <summary>
/// Merges LoRA patches into copies of the checkpoint tensors they touch, ComfyUI's way (comfy/lora.py
/// <c>calculate_weight</c>): in float32, <c>W + strength · (alpha / rank) · (up @ down)</c> reshaped to the weight's shape
/// (scale 1 without alpha), LoCon's mid tensor folded into down first; <c>W + strength · diff</c> for full differences.
/// Several LoRAs on one weight add up in the order given; the sum is stored once in the checkpoint's dtype.
/// Only the touched tensors are written, to a safetensors file of their own; the checkpoint and the LoRA files are read only.
/// </summary>
internal static class LoraMerger
{
    /// <summary>Writes the patched <paramref name="target"/> tensors to <paramref name="patchPath"/>; returns how many there are.</summary>
    public static int WritePatch(SafetensorsFile checkpoint, LoraKeyMap map, IReadOnlyList<LoraApplication> loras, LoraTarget target, string patchPath)
    {
        var merged = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var (path, strength) in loras)
        {
            if (strength == 0) continue;
            using var lora = SafetensorsFile.Open(path);
            var contents = LoraFile.Read(lora, map, checkpoint);
            foreach (var patch in contents.Patches)
            {
                if (patch.Target != target) continue;
                if (!merged.TryGetValue(patch.CheckpointKey, out var weight))
                {
                    weight = checkpoint.ReadFloat32(patch.CheckpointKey);
                    merged.Add(patch.CheckpointKey, weight);
                    order.Add(patch.CheckpointKey);
                }
                Apply(lora, patch, strength, weight);
            }
        }

        var tensors = order.Select(key =>
        {
            var entry = checkpoint.Get(key);
            return TensorToWrite.FromFloats(key, entry.DType, entry.Shape, merged[key]);
        });
        SafetensorsWriter.Write(patchPath, tensors);
        return order.Count;
    }

    /// <summary>Adds one patch, scaled by <paramref name="strength"/>, to the float32 weight (shapes checked by <see cref="LoraFile"/>).</summary>
    public static void Apply(SafetensorsFile lora, LoraPatch patch, float strength, float[] weight)
    {
        if (patch.Kind == LoraPatchKind.Diff)
        {
            var diff = lora.ReadFloat32(patch.Up);
            TensorPrimitives.MultiplyAdd(diff, strength, weight, weight);
            return;
        }

        var up = lora.ReadFloat32(patch.Up);
        var down = lora.ReadFloat32(patch.Down!);
        var rank = (int)patch.Down!.Shape[0];
        var outputs = (int)patch.Up.Shape[0];
        var scale = patch.Alpha is { } alpha ? alpha / rank : 1f;
        if (patch.Mid is { } midEntry) (down, rank) = FoldMid(down, rank, lora.ReadFloat32(midEntry), midEntry.Shape);

        // W[o, :] += coefficient · Σ_j up[o, j] · down[j, :], rows in parallel.
        var inner = down.Length / rank;
        var coefficient = strength * scale;
        Parallel.For(0, outputs, o =>
        {
            var row = weight.AsSpan(o * inner, inner);
            for (var j = 0; j < rank; j++)
            {
                var c = coefficient * up[o * rank + j];
                if (c != 0) TensorPrimitives.MultiplyAdd(down.AsSpan(j * inner, inner), c, row, row);
            }
        });
    }

    /// <summary>
    /// LoCon's Tucker form: down [r, in, 1, 1] and mid [r', r, kh, kw] make one down of [r', in·kh·kw]:
    /// <c>combined[j, i, y, x] = Σ_k down[k, i] · mid[j, k, y, x]</c>.
    /// </summary>
    private static (float[] Down, int Rank) FoldMid(float[] down, int rank, float[] mid, long[] midShape)
    {
        var outRank = (int)midShape[0];
        var kernel = (int)(midShape[2] * midShape[3]);
        var inputs = down.Length / rank;
        var combined = new float[outRank * inputs * kernel];
        for (var j = 0; j < outRank; j++)
        {
            for (var k = 0; k < rank; k++)
            {
                var m = mid.AsSpan((j * rank + k) * kernel, kernel);
                for (var i = 0; i < inputs; i++)
                {
                    var d = down[k * inputs + i];
                    if (d == 0) continue;
                    TensorPrimitives.MultiplyAdd(m, d, combined.AsSpan((j * inputs + i) * kernel, kernel), combined.AsSpan((j * inputs + i) * kernel, kernel));
                }
            }
        }
        return (combined, outRank);
    }
}
