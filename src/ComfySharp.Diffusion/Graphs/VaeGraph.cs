using ComfySharp.Diffusion.Models;
using ComfySharp.Diffusion.Onnx;

namespace ComfySharp.Diffusion.Graphs;

/// <summary>
/// The SD KL autoencoder as two ONNX graphs. Decoder: latent [B, z, h, w] → IMAGE [B, 8h, 8w, 3] in 0..1 (ComfyUI's
/// <c>(x + 1) / 2</c> clamped, channels last). Encoder: IMAGE [B, H, W, 3] in 0..1 → the latent distribution's mean
/// [B, z, H/8, W/8] (ComfyUI encodes to the mode, not a sample). Norms are 32-group GroupNorm with ε = 1e-6; the mid
/// block's attention has one head over all positions.
/// </summary>
internal static class VaeGraph
{
    public const string LatentName = "latent";
    public const string ImageName = "image";
    private const float Epsilon = 1e-6f;

    /// <param name="raw">Output the decoder's own [B, 3, H, W] values (about −1..1), unclamped: tiled decoding blends tiles before ComfyUI's clamp.</param>
    public static OnnxGraph Decoder(VaeConfig c, IWeightCatalog weights, string prefix, bool raw = false)
    {
        var g = new OnnxGraph("vae_decoder", weights);
        var x = g.Input(LatentName, OnnxDataType.Float, "batch", c.LatentChannels, "height", "width");
        var p = prefix;
        if (HasPostQuant(weights, p)) x = g.Conv(x, p + "post_quant_conv", c.EmbedDim, c.LatentChannels, 1);

        var levels = c.ChannelMult.Length;
        var ch = c.Channels * c.ChannelMult[levels - 1];
        var h = g.Conv(x, p + "decoder.conv_in", c.LatentChannels, ch, 3);
        h = Mid(g, h, p + "decoder.mid", ch);
        for (var i = levels - 1; i >= 0; i--)
        {
            var outCh = c.Channels * c.ChannelMult[i];
            for (var j = 0; j <= c.NumResBlocks; j++)
            {
                h = ResBlock(g, h, $"{p}decoder.up.{i}.block.{j}", ch, outCh);
                ch = outCh;
            }
            if (i != 0) h = g.Conv(g.Upsample2x(h), $"{p}decoder.up.{i}.upsample.conv", ch, ch, 3);
        }
        h = g.Silu(g.GroupNorm(h, p + "decoder.norm_out", ch, 32, Epsilon));
        h = g.Conv(h, p + "decoder.conv_out", ch, 3, 3);
        if (raw)
        {
            g.Output(h, ImageName, OnnxDataType.Float, "batch", 3, "image_height", "image_width");
            return g;
        }

        // ComfyUI: clamp((x + 1) / 2, 0, 1), then channels last.
        var image = g.Op("Clip", [g.Mul(g.Add(h, g.Scalar(1)), g.Scalar(0.5f)), g.Scalar(0), g.Scalar(1)]);
        g.Output(g.Transpose(image, 0, 2, 3, 1), ImageName, OnnxDataType.Float, "batch", "image_height", "image_width", 3);
        return g;
    }

    public static OnnxGraph Encoder(VaeConfig c, IWeightCatalog weights, string prefix)
    {
        var g = new OnnxGraph("vae_encoder", weights);
        var image = g.Input(ImageName, OnnxDataType.Float, "batch", "height", "width", 3);
        var p = prefix;
        var x = g.Sub(g.Mul(g.Transpose(image, 0, 3, 1, 2), g.Scalar(2)), g.Scalar(1));

        var ch = c.Channels;
        var h = g.Conv(x, p + "encoder.conv_in", 3, ch, 3);
        var levels = c.ChannelMult.Length;
        for (var i = 0; i < levels; i++)
        {
            var outCh = c.Channels * c.ChannelMult[i];
            for (var j = 0; j < c.NumResBlocks; j++)
            {
                h = ResBlock(g, h, $"{p}encoder.down.{i}.block.{j}", ch, outCh);
                ch = outCh;
            }
            if (i != levels - 1)
            {
                // Asymmetric padding (right and bottom only), then a stride-2 convolution without padding.
                h = g.Conv(g.Pad2d(h, 0, 0, 1, 1), $"{p}encoder.down.{i}.downsample.conv", ch, ch, 3, stride: 2, pad: 0);
            }
        }
        h = Mid(g, h, p + "encoder.mid", ch);
        h = g.Silu(g.GroupNorm(h, p + "encoder.norm_out", ch, 32, Epsilon));
        h = g.Conv(h, p + "encoder.conv_out", ch, 2 * c.LatentChannels, 3);
        if (HasPostQuant(weights, p)) h = g.Conv(h, p + "quant_conv", 2 * c.LatentChannels, 2 * c.EmbedDim, 1);

        // The first half of the channels is the mean.
        var mean = g.Op("Slice", [h, g.ConstantInt64(0), g.ConstantInt64(c.EmbedDim), g.ConstantInt64(1)]);
        g.Output(mean, LatentName, OnnxDataType.Float, "batch", c.EmbedDim, "latent_height", "latent_width");
        return g;
    }

    private static bool HasPostQuant(IWeightCatalog weights, string prefix)
        => weights is CheckpointWeights cw && cw.File.Contains(prefix + "post_quant_conv.weight");

    private static Value ResBlock(OnnxGraph g, Value x, string p, int inCh, int outCh)
    {
        var h = g.Conv(g.Silu(g.GroupNorm(x, p + ".norm1", inCh, 32, Epsilon)), p + ".conv1", inCh, outCh, 3);
        h = g.Conv(g.Silu(g.GroupNorm(h, p + ".norm2", outCh, 32, Epsilon)), p + ".conv2", outCh, outCh, 3);
        var skip = inCh == outCh ? x : g.Conv(x, p + ".nin_shortcut", inCh, outCh, 1);
        return g.Add(skip, h);
    }

    private static Value Mid(OnnxGraph g, Value x, string p, int ch)
    {
        x = ResBlock(g, x, p + ".block_1", ch, ch);
        x = Attention(g, x, p + ".attn_1", ch);
        return ResBlock(g, x, p + ".block_2", ch, ch);
    }

    /// <summary>Single-head self-attention over H·W positions; q/k/v/proj_out are 1×1 convolutions (or [C, C] matrices, the same numbers).</summary>
    private static Value Attention(OnnxGraph g, Value x, string p, int ch)
    {
        var h = g.GroupNorm(x, p + ".norm", ch, 32, Epsilon);
        var q = g.ToTokens(g.Conv(h, p + ".q", ch, ch, 1), ch);
        var k = g.ToTokens(g.Conv(h, p + ".k", ch, ch, 1), ch);
        var v = g.ToTokens(g.Conv(h, p + ".v", ch, ch, 1), ch);
        var attended = g.FromTokens(g.Attention(q, k, v, 1, ch), x);
        return g.Add(x, g.Conv(attended, p + ".proj_out", ch, ch, 1));
    }
}
