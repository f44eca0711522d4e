using ComfySharp.Diffusion.Safetensors;

namespace ComfySharp.Diffusion.Models;

/// <summary>
/// Tells the model family of a checkpoint from its key names and shapes (the facts ComfyUI's model_detection.py uses)
/// and reads the SD 1.x configuration, sizes included, so a tiny checkpoint of the same layout is understood the same
/// way as a full one. Anything that is not SD 1.x is named and refused rather than guessed.
/// </summary>
internal static partial class CheckpointDetector
{
    public const string Sd1 = "SD 1.x";

    public static DetectedCheckpoint Detect(SafetensorsFile file)
    {
        var shapes = new Dictionary<string, long[]>(file.Tensors.Count, StringComparer.Ordinal);
        foreach (var t in file.Tensors) shapes[t.Name] = t.Shape;
        return Detect(file.FileName, shapes);
    }

    public static DetectedCheckpoint Detect(string fileName, IReadOnlyDictionary<string, long[]> shapes)
    {
        var keys = new KeySet(fileName, shapes);
        var prefix = keys.AnyStartsWith(DetectedCheckpoint.UNetPrefix) ? DetectedCheckpoint.UNetPrefix : "";

        var other = OtherFamily(keys, prefix);
        if (other is not null)
        {
            throw new UnsupportedModelException(fileName, other, $"this looks like a {other} model, which is not supported yet (only SD 1.x checkpoints are)");
        }

        if (!keys.Has(prefix + "input_blocks.0.0.weight"))
        {
            if (keys.Has("encoder.conv_in.weight") || keys.Has("decoder.conv_in.weight"))
            {
                throw new UnsupportedModelException(fileName, "VAE", "this is a VAE on its own, not a checkpoint (load it with VAELoader)");
            }
            throw new UnsupportedModelException(fileName, "unknown",
                "no Stable Diffusion model was recognised in it (no UNet keys 'model.diffusion_model.input_blocks.*')");
        }

        var unet = ReadUNet(keys, prefix);
        var clip = ReadClip(keys);
        var vae = keys.AnyStartsWith(DetectedCheckpoint.VaePrefix) ? ReadVae(keys, DetectedCheckpoint.VaePrefix) : null;
        return new DetectedCheckpoint(Sd1, unet, clip, vae);
    }

    /// <summary>Families recognised by a key of their own; null when the file has the SD UNet layout of SD 1.x.</summary>
    private static string? OtherFamily(KeySet keys, string p)
    {
        if (keys.Has(p + "joint_blocks.0.context_block.attn.qkv.weight")) return "Stable Diffusion 3 (MMDiT)";
        if (keys.Has(p + "double_blocks.0.img_attn.norm.key_norm.scale")) return "Flux";
        if (keys.Has(p + "clf.1.weight")) return "Stable Cascade";
        if (keys.Has(p + "double_layers.0.attn.w1q.weight")) return "AuraFlow";
        if (keys.Has(p + "mlp_t5.0.weight")) return "Hunyuan DiT";
        if (keys.Has(p + "t_block.1.weight")) return "PixArt";
        if (keys.Has(p + "head.modulation")) return "Wan";
        if (keys.Has(p + "txt_norm.weight")) return "Qwen Image";
        if (keys.Has(p + "cap_embedder.1.weight")) return "Lumina 2";
        if (keys.AnyStartsWith("unet.down_blocks.") || keys.AnyStartsWith("down_blocks.0.resnets.")
            || keys.AnyStartsWith("decoder.up_blocks.0.resnets."))
        {
            return "diffusers-layout";
        }
        if (!keys.Has(p + "input_blocks.0.0.weight")) return null;

        if (keys.AnyContains(".time_stack.") || keys.AnyContains(".time_mix_blocks.")) return "Stable Video Diffusion";
        var context = FirstContextDim(keys, p);
        if (keys.Has(p + "label_emb.0.0.weight"))
        {
            var adm = keys.Shape(p + "label_emb.0.0.weight")[1];
            return context switch
            {
                2048 => "SDXL",
                1280 => "SDXL refiner",
                1024 when adm is 1536 or 2048 => "SD 2.x unCLIP",
                _ => "class-conditioned UNet (SDXL-like)",
            };
        }
        if (keys.AnyStartsWith("conditioner.embedders.1.")) return "SDXL";
        if (keys.AnyStartsWith("cond_stage_model.model.transformer.") || keys.AnyStartsWith("conditioner.embedders.0.model.")
            || LinearProjIn(keys, p))
        {
            return "SD 2.x";
        }

        var inChannels = keys.Shape(p + "input_blocks.0.0.weight")[1];
        return inChannels switch
        {
            4 => null,
            9 => "SD 1.x inpainting",
            8 => "SD 1.x InstructPix2Pix",
            _ => $"UNet with {inChannels} input channels",
        };
    }

    /// <summary>SD 1.x projects into its transformers with 1×1 convolutions; SD 2.x and later with linear layers.</summary>
    private static bool LinearProjIn(KeySet keys, string p)
    {
        foreach (var name in keys.Names)
        {
            if (name.StartsWith(p, StringComparison.Ordinal) && name.EndsWith(".proj_in.weight", StringComparison.Ordinal))
            {
                return keys.Shape(name).Length == 2;
            }
        }
        return false;
    }

    private static long FirstContextDim(KeySet keys, string p)
    {
        foreach (var name in keys.Names)
        {
            if (name.StartsWith(p, StringComparison.Ordinal) && name.EndsWith(".transformer_blocks.0.attn2.to_k.weight", StringComparison.Ordinal))
            {
                return keys.Shape(name)[1];
            }
        }
        return 0;
    }
}
