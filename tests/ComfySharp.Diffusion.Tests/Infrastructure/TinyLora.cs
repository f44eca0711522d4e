using ComfySharp.Diffusion.Models;
using ComfySharp.Diffusion.Safetensors;

namespace ComfySharp.Diffusion.Tests.Infrastructure;

/// <summary>One low-rank pair of a test LoRA: its name in the file, the tiny checkpoint key it must patch (written here by hand), its suffixes.</summary>
internal sealed record LoraEntry(string Stem, string CheckpointKey, string Up, string Down, bool Mid = false);

/// <summary>
/// Tiny LoRA files for <see cref="TinyCheckpoint"/> in each naming style ComfyUI reads, with random weights. The
/// checkpoint key each name must reach is spelled out by hand (from diffusers' and ldm's layouts), independently of
/// the key map under test.
/// </summary>
internal static class TinyLora
{
    private const string U = DetectedCheckpoint.UNetPrefix;
    private const string C = DetectedCheckpoint.ClipPrefix + "text_model.encoder.layers.";
    private const string KUp = ".lora_up.weight", KDown = ".lora_down.weight";

    /// <summary>kohya: lora_unet_ with diffusers and ldm names, lora_te_, LoCon 3×3 with and without a mid tensor, a 1×1 conv; alpha = rank / 2.</summary>
    public static LoraEntry[] Kohya { get; } =
    [
        new("lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q", U + "input_blocks.1.1.transformer_blocks.0.attn1.to_q.weight", KUp, KDown),
        new("lora_unet_down_blocks_1_resnets_0_conv1", U + "input_blocks.3.0.in_layers.2.weight", KUp, KDown, Mid: true),
        new("lora_unet_up_blocks_0_upsamplers_0_conv", U + "output_blocks.1.1.conv.weight", KUp, KDown),
        new("lora_unet_mid_block_attentions_0_proj_in", U + "middle_block.1.proj_in.weight", KUp, KDown),
        new("lora_unet_up_blocks_1_attentions_1_transformer_blocks_0_ff_net_0_proj", U + "output_blocks.3.1.transformer_blocks.0.ff.net.0.proj.weight", KUp, KDown),
        new("lora_unet_output_blocks_3_1_transformer_blocks_0_attn2_to_out_0", U + "output_blocks.3.1.transformer_blocks.0.attn2.to_out.0.weight", KUp, KDown),
        new("lora_te_text_model_encoder_layers_0_self_attn_q_proj", C + "0.self_attn.q_proj.weight", KUp, KDown),
        new("lora_te_text_model_encoder_layers_1_mlp_fc1", C + "1.mlp.fc1.weight", KUp, KDown),
    ];

    /// <summary>diffusers/PEFT: lora_A/lora_B under unet. and text_encoder., and the older attention-processor names.</summary>
    public static LoraEntry[] Peft { get; } =
    [
        new("unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q", U + "input_blocks.1.1.transformer_blocks.0.attn1.to_q.weight", ".lora_B.weight", ".lora_A.weight"),
        new("unet.down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k", U + "input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight", ".lora_B.weight", ".lora_A.weight"),
        new("unet.up_blocks.1.attentions.1.transformer_blocks.0.attn1.processor.to_out", U + "output_blocks.3.1.transformer_blocks.0.attn1.to_out.0.weight", "_lora.up.weight", "_lora.down.weight"),
        new("text_encoder.text_model.encoder.layers.1.self_attn.out_proj", C + "1.self_attn.out_proj.weight", ".lora_B.weight", ".lora_A.weight"),
    ];

    /// <summary>ComfyUI's own full keys.</summary>
    public static LoraEntry[] Comfy { get; } =
    [
        new("diffusion_model.input_blocks.1.1.transformer_blocks.0.ff.net.2", U + "input_blocks.1.1.transformer_blocks.0.ff.net.2.weight", KUp, KDown),
        new("text_encoders.clip_l.transformer.text_model.encoder.layers.0.mlp.fc2", C + "0.mlp.fc2.weight", KUp, KDown),
    ];

    public static Dictionary<string, long[]> CheckpointShapes { get; } = Sd1Layout.Checkpoint(TinyCheckpoint.Config.UNet, TinyCheckpoint.Config.Clip, TinyCheckpoint.Config.Vae)
        .ToDictionary(t => t.Name, t => t.Shape, StringComparer.Ordinal);

    public static string Write(string path, IReadOnlyList<LoraEntry> entries, SafetensorsDType dtype = SafetensorsDType.F32, int seed = 7, int rank = 4,
        bool alpha = true, IEnumerable<TensorToWrite>? extra = null, Func<LoraEntry, long[], long[]>? reshape = null)
    {
        var random = new Random(seed);
        var tensors = new List<TensorToWrite>();
        foreach (var e in entries)
        {
            var shape = reshape?.Invoke(e, CheckpointShapes[e.CheckpointKey]) ?? CheckpointShapes[e.CheckpointKey];
            long outputs = shape[0], inputs = shape[1];
            var conv = shape.Length == 4;
            long[] upShape = conv ? [outputs, rank, 1, 1] : [outputs, rank];
            long[] downShape = conv ? (e.Mid ? [rank, inputs, 1, 1] : [rank, inputs, shape[2], shape[3]]) : [rank, inputs];
            tensors.Add(Random(e.Stem + e.Up, dtype, upShape, random));
            tensors.Add(Random(e.Stem + e.Down, dtype, downShape, random));
            if (e.Mid) tensors.Add(Random(e.Stem + ".lora_mid.weight", dtype, [rank, rank, shape[2], shape[3]], random));
            if (alpha) tensors.Add(TensorToWrite.FromFloats(e.Stem + ".alpha", dtype, [], [rank / 2f]));
        }
        if (extra is not null) tensors.AddRange(extra);
        SafetensorsWriter.Write(path, tensors);
        return path;
    }

    /// <summary>The reference script's description of a file: {stem: [checkpoint key, up suffix, down suffix]}.</summary>
    public static Dictionary<string, string[]> Map(IEnumerable<LoraEntry> entries) =>
        entries.ToDictionary(e => e.Stem, e => new[] { e.CheckpointKey, e.Up, e.Down });

    private static TensorToWrite Random(string name, SafetensorsDType dtype, long[] shape, Random random)
    {
        var count = (int)shape.Aggregate(1L, (a, b) => a * b);
        return TensorToWrite.FromFloats(name, dtype, shape, TinyCheckpoint.RandomArray(random, count, 0.3f));
    }
}
