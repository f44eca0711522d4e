using ComfySharp.Diffusion.Models;

namespace ComfySharp.Diffusion.Lora;

/// <summary>Which part of a checkpoint a LoRA patch changes.</summary>
internal enum LoraTarget
{
    UNet,
    Clip,
}

/// <summary>
/// The names a LoRA file may give a checkpoint weight, as ComfyUI accepts them (comfy/lora.py <c>model_lora_keys_unet</c>
/// and <c>model_lora_keys_clip</c>), each mapped to the checkpoint key it patches:
/// <list type="bullet">
/// <item>kohya: <c>lora_unet_</c> + the ldm or the diffusers UNet name with dots as underscores; <c>lora_te_</c>/<c>lora_te1_</c> + the CLIP name likewise;</item>
/// <item>diffusers/PEFT: the diffusers name itself, optionally under <c>unet.</c> (attention projections also as <c>.processor.to_q</c>, <c>to_out</c> without <c>.0</c>); <c>text_encoder.text_model.…</c>;</item>
/// <item>ComfyUI's own full keys: <c>diffusion_model.…</c> and <c>text_encoders.clip_l.transformer.…</c>.</item>
/// </list>
/// Only names whose checkpoint key exists are kept.
/// </summary>
internal sealed class LoraKeyMap
{
    private static readonly (string Hf, string Kohya)[] ClipLayerParts =
    [
        ("mlp.fc1", "mlp_fc1"), ("mlp.fc2", "mlp_fc2"),
        ("self_attn.k_proj", "self_attn_k_proj"), ("self_attn.q_proj", "self_attn_q_proj"),
        ("self_attn.v_proj", "self_attn_v_proj"), ("self_attn.out_proj", "self_attn_out_proj"),
    ];

    private readonly Dictionary<string, (string Key, LoraTarget Target)> _map = new(StringComparer.Ordinal);

    public LoraKeyMap(DetectedCheckpoint detected, IReadOnlyCollection<string> checkpointKeys)
    {
        var keys = checkpointKeys as ISet<string> ?? new HashSet<string>(checkpointKeys, StringComparer.Ordinal);
        var unetPrefix = DetectedCheckpoint.UNetPrefix;
        var clipPrefix = DetectedCheckpoint.ClipPrefix;
        foreach (var key in keys)
        {
            if (key.StartsWith(unetPrefix, StringComparison.Ordinal))
            {
                var ldm = key[unetPrefix.Length..];
                if (ldm.EndsWith(".weight", StringComparison.Ordinal))
                {
                    var stem = ldm[..^".weight".Length];
                    Add("lora_unet_" + stem.Replace('.', '_'), key, LoraTarget.UNet);
                    Add("diffusion_model." + stem, key, LoraTarget.UNet);
                }
                else
                {
                    Add("diffusion_model." + ldm, key, LoraTarget.UNet);
                }
            }
            else if (key.StartsWith(clipPrefix, StringComparison.Ordinal) && key.EndsWith(".weight", StringComparison.Ordinal))
            {
                Add("text_encoders.clip_l.transformer." + key[clipPrefix.Length..^".weight".Length], key, LoraTarget.Clip);
            }
        }

        if (detected.Clip is not null)
        {
            for (var layer = 0; layer < detected.Clip.Layers; layer++)
            {
                foreach (var (hf, kohya) in ClipLayerParts)
                {
                    var key = $"{clipPrefix}text_model.encoder.layers.{layer}.{hf}.weight";
                    if (!keys.Contains(key)) continue;
                    Add($"lora_te_text_model_encoder_layers_{layer}_{kohya}", key, LoraTarget.Clip);
                    Add($"lora_te1_text_model_encoder_layers_{layer}_{kohya}", key, LoraTarget.Clip);
                    Add($"text_encoder.text_model.encoder.layers.{layer}.{hf}", key, LoraTarget.Clip);
                }
            }
        }

        if (detected.UNet is not null)
        {
            foreach (var (diffusers, ldm) in DiffusersUNetNames.Map(detected.UNet))
            {
                if (!diffusers.EndsWith(".weight", StringComparison.Ordinal)) continue;
                var key = unetPrefix + ldm;
                if (!keys.Contains(key)) continue;
                var stem = diffusers[..^".weight".Length];
                Add("lora_unet_" + stem.Replace('.', '_'), key, LoraTarget.UNet);
                var processor = stem.Replace(".to_", ".processor.to_", StringComparison.Ordinal);
                if (processor.EndsWith(".to_out.0", StringComparison.Ordinal)) processor = processor[..^2];
                foreach (var prefix in (string[])["", "unet."])
                {
                    Add(prefix + stem, key, LoraTarget.UNet);
                    Add(prefix + processor, key, LoraTarget.UNet);
                }
            }
        }
    }

    public int Count => _map.Count;

    public bool TryGet(string loraName, out string checkpointKey, out LoraTarget target)
    {
        if (_map.TryGetValue(loraName, out var found))
        {
            (checkpointKey, target) = found;
            return true;
        }
        checkpointKey = "";
        target = default;
        return false;
    }

    private void Add(string loraName, string key, LoraTarget target) => _map.TryAdd(loraName, (key, target));
}
