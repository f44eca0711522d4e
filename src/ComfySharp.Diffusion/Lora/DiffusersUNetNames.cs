using ComfySharp.Diffusion.Models;

namespace ComfySharp.Diffusion.Lora;

/// <summary>
/// The diffusers names of an SD UNet's weights and the ldm names they correspond to (the facts of ComfyUI's
/// comfy/utils.py <c>unet_to_diffusers</c>), for a UNet of the given configuration: down blocks, the middle block and
/// up blocks with their resnets, spatial transformers, down- and upsamplers, and the stem and head layers.
/// </summary>
internal static class DiffusersUNetNames
{
    private static readonly (string Ldm, string Diffusers)[] Resnet =
    [
        ("in_layers.0", "norm1"), ("in_layers.2", "conv1"), ("emb_layers.1", "time_emb_proj"),
        ("out_layers.0", "norm2"), ("out_layers.3", "conv2"), ("skip_connection", "conv_shortcut"),
    ];

    private static readonly string[] TransformerOuter = ["proj_in", "proj_out", "norm"];

    private static readonly string[] TransformerBlock =
    [
        "norm1", "norm2", "norm3",
        "attn1.to_q", "attn1.to_k", "attn1.to_v", "attn1.to_out.0",
        "attn2.to_q", "attn2.to_k", "attn2.to_v", "attn2.to_out.0",
        "ff.net.0.proj", "ff.net.2",
    ];

    private static readonly (string Ldm, string Diffusers)[] Basic =
    [
        ("input_blocks.0.0", "conv_in"), ("out.0", "conv_norm_out"), ("out.2", "conv_out"),
        ("time_embed.0", "time_embedding.linear_1"), ("time_embed.2", "time_embedding.linear_2"),
    ];

    /// <summary>(diffusers name, ldm name) pairs, both with their <c>.weight</c>/<c>.bias</c> suffix.</summary>
    public static IEnumerable<(string Diffusers, string Ldm)> Map(UNetConfig c)
    {
        var levels = c.ChannelMult.Length;
        for (var x = 0; x < levels; x++)
        {
            var n = 1 + (c.NumResBlocks + 1) * x;
            for (var i = 0; i < c.NumResBlocks; i++)
            {
                foreach (var pair in Resnets($"down_blocks.{x}.resnets.{i}", $"input_blocks.{n}.0")) yield return pair;
                foreach (var pair in Transformer($"down_blocks.{x}.attentions.{i}", $"input_blocks.{n}.1", c.AttentionDepth[x])) yield return pair;
                n++;
            }
            foreach (var pair in Both($"down_blocks.{x}.downsamplers.0.conv", $"input_blocks.{n}.0.op")) yield return pair;
        }

        var mid = c.MiddleAttentionDepth;
        foreach (var pair in Transformer("mid_block.attentions.0", "middle_block.1", mid)) yield return pair;
        foreach (var pair in Resnets("mid_block.resnets.0", "middle_block.0")) yield return pair;
        foreach (var pair in Resnets("mid_block.resnets.1", mid > 0 ? "middle_block.2" : "middle_block.1")) yield return pair;

        var block = 0;
        for (var x = 0; x < levels; x++)
        {
            var level = levels - 1 - x;
            for (var i = 0; i <= c.NumResBlocks; i++)
            {
                foreach (var pair in Resnets($"up_blocks.{x}.resnets.{i}", $"output_blocks.{block}.0")) yield return pair;
                var sub = 1;
                if (c.AttentionDepth[level] > 0)
                {
                    foreach (var pair in Transformer($"up_blocks.{x}.attentions.{i}", $"output_blocks.{block}.1", c.AttentionDepth[level])) yield return pair;
                    sub++;
                }
                if (i == c.NumResBlocks)
                {
                    foreach (var pair in Both($"up_blocks.{x}.upsamplers.0.conv", $"output_blocks.{block}.{sub}.conv")) yield return pair;
                }
                block++;
            }
        }

        foreach (var (ldm, diffusers) in Basic)
        {
            foreach (var pair in Both(diffusers, ldm)) yield return pair;
        }
    }

    private static IEnumerable<(string, string)> Resnets(string diffusers, string ldm)
    {
        foreach (var (l, d) in Resnet)
        {
            foreach (var pair in Both($"{diffusers}.{d}", $"{ldm}.{l}")) yield return pair;
        }
    }

    private static IEnumerable<(string, string)> Transformer(string diffusers, string ldm, int depth)
    {
        if (depth <= 0) yield break;
        foreach (var part in TransformerOuter)
        {
            foreach (var pair in Both($"{diffusers}.{part}", $"{ldm}.{part}")) yield return pair;
        }
        for (var t = 0; t < depth; t++)
        {
            foreach (var part in TransformerBlock)
            {
                foreach (var pair in Both($"{diffusers}.transformer_blocks.{t}.{part}", $"{ldm}.transformer_blocks.{t}.{part}")) yield return pair;
            }
        }
    }

    private static IEnumerable<(string, string)> Both(string diffusers, string ldm)
    {
        yield return (diffusers + ".weight", ldm + ".weight");
        yield return (diffusers + ".bias", ldm + ".bias");
    }
}
