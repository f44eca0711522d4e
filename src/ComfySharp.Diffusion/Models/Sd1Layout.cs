namespace ComfySharp.Diffusion.Models;

/// <summary>
/// Every weight name and shape of an SD 1.x checkpoint with the given sizes, in the original (ldm) key layout ComfyUI
/// reads. The benchmark and the tests write checkpoints from it; detection must read back the configuration it was given.
/// </summary>
internal static class Sd1Layout
{
    public static List<(string Name, long[] Shape)> Checkpoint(UNetConfig unet, ClipTextConfig clip, VaeConfig vae)
    {
        var list = new List<(string, long[])>();
        UNet(list, DetectedCheckpoint.UNetPrefix, unet);
        Clip(list, clip);
        Vae(list, DetectedCheckpoint.VaePrefix, vae);
        return list;
    }

    public static void UNet(List<(string, long[])> list, string p, UNetConfig c)
    {
        var mc = c.ModelChannels;
        Linear(list, p + "time_embed.0", mc, c.TimeEmbedDim);
        Linear(list, p + "time_embed.2", c.TimeEmbedDim, c.TimeEmbedDim);
        Conv(list, p + "input_blocks.0.0", c.InChannels, mc, 3);

        var skips = new Stack<int>();
        skips.Push(mc);
        var ch = mc;
        var block = 1;
        for (var level = 0; level < c.ChannelMult.Length; level++)
        {
            for (var r = 0; r < c.NumResBlocks; r++)
            {
                var outCh = c.ChannelMult[level] * mc;
                ResBlock(list, $"{p}input_blocks.{block}.0", ch, outCh, c.TimeEmbedDim);
                ch = outCh;
                if (c.AttentionDepth[level] > 0) Transformer(list, $"{p}input_blocks.{block}.1", ch, c.AttentionDepth[level], c.ContextDim);
                skips.Push(ch);
                block++;
            }
            if (level != c.ChannelMult.Length - 1)
            {
                Conv(list, $"{p}input_blocks.{block}.0.op", ch, ch, 3);
                skips.Push(ch);
                block++;
            }
        }

        ResBlock(list, p + "middle_block.0", ch, ch, c.TimeEmbedDim);
        if (c.MiddleAttentionDepth > 0) Transformer(list, p + "middle_block.1", ch, c.MiddleAttentionDepth, c.ContextDim);
        ResBlock(list, $"{p}middle_block.{(c.MiddleAttentionDepth > 0 ? 2 : 1)}", ch, ch, c.TimeEmbedDim);

        block = 0;
        for (var level = c.ChannelMult.Length - 1; level >= 0; level--)
        {
            for (var r = 0; r <= c.NumResBlocks; r++)
            {
                var outCh = c.ChannelMult[level] * mc;
                ResBlock(list, $"{p}output_blocks.{block}.0", ch + skips.Pop(), outCh, c.TimeEmbedDim);
                ch = outCh;
                var sub = 1;
                if (c.AttentionDepth[level] > 0) Transformer(list, $"{p}output_blocks.{block}.{sub++}", ch, c.AttentionDepth[level], c.ContextDim);
                if (level > 0 && r == c.NumResBlocks) Conv(list, $"{p}output_blocks.{block}.{sub}.conv", ch, ch, 3);
                block++;
            }
        }
        Norm(list, p + "out.0", ch);
        Conv(list, p + "out.2", ch, c.OutChannels, 3);
    }

    private static void ResBlock(List<(string, long[])> list, string p, int inCh, int outCh, int embDim)
    {
        Norm(list, p + ".in_layers.0", inCh);
        Conv(list, p + ".in_layers.2", inCh, outCh, 3);
        Linear(list, p + ".emb_layers.1", embDim, outCh);
        Norm(list, p + ".out_layers.0", outCh);
        Conv(list, p + ".out_layers.3", outCh, outCh, 3);
        if (inCh != outCh) Conv(list, p + ".skip_connection", inCh, outCh, 1);
    }

    private static void Transformer(List<(string, long[])> list, string p, int ch, int depth, int contextDim)
    {
        Norm(list, p + ".norm", ch);
        Conv(list, p + ".proj_in", ch, ch, 1);
        for (var d = 0; d < depth; d++)
        {
            var b = $"{p}.transformer_blocks.{d}";
            Attention(list, b + ".attn1", ch, ch);
            Linear(list, b + ".ff.net.0.proj", ch, ch * 8); // GEGLU: value and gate halves of 4 × width each
            Linear(list, b + ".ff.net.2", ch * 4, ch);
            Attention(list, b + ".attn2", ch, contextDim);
            Norm(list, b + ".norm1", ch);
            Norm(list, b + ".norm2", ch);
            Norm(list, b + ".norm3", ch);
        }
        Conv(list, p + ".proj_out", ch, ch, 1);
    }

    private static void Attention(List<(string, long[])> list, string p, int ch, int kvDim)
    {
        list.Add((p + ".to_q.weight", [ch, ch]));
        list.Add((p + ".to_k.weight", [ch, kvDim]));
        list.Add((p + ".to_v.weight", [ch, kvDim]));
        Linear(list, p + ".to_out.0", ch, ch);
    }

    public static void Clip(List<(string, long[])> list, ClipTextConfig c)
    {
        var p = c.Prefix;
        list.Add((p + "embeddings.token_embedding.weight", [c.VocabSize, c.Width]));
        list.Add((p + "embeddings.position_embedding.weight", [c.MaxPositions, c.Width]));
        for (var i = 0; i < c.Layers; i++)
        {
            var l = $"{p}encoder.layers.{i}.";
            Linear(list, l + "self_attn.q_proj", c.Width, c.Width);
            Linear(list, l + "self_attn.k_proj", c.Width, c.Width);
            Linear(list, l + "self_attn.v_proj", c.Width, c.Width);
            Linear(list, l + "self_attn.out_proj", c.Width, c.Width);
            Norm(list, l + "layer_norm1", c.Width);
            Linear(list, l + "mlp.fc1", c.Width, c.IntermediateSize);
            Linear(list, l + "mlp.fc2", c.IntermediateSize, c.Width);
            Norm(list, l + "layer_norm2", c.Width);
        }
        Norm(list, p + "final_layer_norm", c.Width);
    }

    public static void Vae(List<(string, long[])> list, string p, VaeConfig c)
    {
        var ch = c.Channels;
        var levels = c.ChannelMult.Length;
        Conv(list, p + "encoder.conv_in", 3, ch, 3);
        var blockIn = ch;
        for (var i = 0; i < levels; i++)
        {
            var blockOut = ch * c.ChannelMult[i];
            for (var j = 0; j < c.NumResBlocks; j++)
            {
                VaeResBlock(list, $"{p}encoder.down.{i}.block.{j}", blockIn, blockOut);
                blockIn = blockOut;
            }
            if (i != levels - 1) Conv(list, $"{p}encoder.down.{i}.downsample.conv", blockIn, blockIn, 3);
        }
        VaeMid(list, p + "encoder.mid", blockIn, c.LinearAttention);
        Norm(list, p + "encoder.norm_out", blockIn);
        Conv(list, p + "encoder.conv_out", blockIn, 2 * c.LatentChannels, 3);
        Conv(list, p + "quant_conv", 2 * c.LatentChannels, 2 * c.EmbedDim, 1);
        Conv(list, p + "post_quant_conv", c.EmbedDim, c.LatentChannels, 1);

        blockIn = ch * c.ChannelMult[levels - 1];
        Conv(list, p + "decoder.conv_in", c.LatentChannels, blockIn, 3);
        VaeMid(list, p + "decoder.mid", blockIn, c.LinearAttention);
        for (var i = levels - 1; i >= 0; i--)
        {
            var blockOut = ch * c.ChannelMult[i];
            for (var j = 0; j <= c.NumResBlocks; j++)
            {
                VaeResBlock(list, $"{p}decoder.up.{i}.block.{j}", blockIn, blockOut);
                blockIn = blockOut;
            }
            if (i != 0) Conv(list, $"{p}decoder.up.{i}.upsample.conv", blockIn, blockIn, 3);
        }
        Norm(list, p + "decoder.norm_out", blockIn);
        Conv(list, p + "decoder.conv_out", blockIn, 3, 3);
    }

    private static void VaeMid(List<(string, long[])> list, string p, int ch, bool linearAttention)
    {
        VaeResBlock(list, p + ".block_1", ch, ch);
        Norm(list, p + ".attn_1.norm", ch);
        foreach (var name in (string[])["q", "k", "v", "proj_out"])
        {
            if (linearAttention) Linear(list, $"{p}.attn_1.{name}", ch, ch);
            else Conv(list, $"{p}.attn_1.{name}", ch, ch, 1);
        }
        VaeResBlock(list, p + ".block_2", ch, ch);
    }

    private static void VaeResBlock(List<(string, long[])> list, string p, int inCh, int outCh)
    {
        Norm(list, p + ".norm1", inCh);
        Conv(list, p + ".conv1", inCh, outCh, 3);
        Norm(list, p + ".norm2", outCh);
        Conv(list, p + ".conv2", outCh, outCh, 3);
        if (inCh != outCh) Conv(list, p + ".nin_shortcut", inCh, outCh, 1);
    }

    private static void Linear(List<(string, long[])> list, string p, int inDim, int outDim)
    {
        list.Add((p + ".weight", [outDim, inDim]));
        list.Add((p + ".bias", [outDim]));
    }

    private static void Conv(List<(string, long[])> list, string p, int inCh, int outCh, int kernel)
    {
        list.Add((p + ".weight", [outCh, inCh, kernel, kernel]));
        list.Add((p + ".bias", [outCh]));
    }

    private static void Norm(List<(string, long[])> list, string p, int ch)
    {
        list.Add((p + ".weight", [ch]));
        list.Add((p + ".bias", [ch]));
    }

    /// <summary>SD 1.5's real sizes (the benchmark's checkpoint).</summary>
    public static (UNetConfig UNet, ClipTextConfig Clip, VaeConfig Vae) Sd15() => (
        new UNetConfig(4, 4, 320, [1, 2, 4, 4], 2, [1, 1, 1, 0], 1, 768, 8),
        new ClipTextConfig(DetectedCheckpoint.ClipPrefix + "text_model.", 49408, 768, 12, 12, 77, 3072),
        new VaeConfig(128, [1, 2, 4, 4], 2, 4, 4, false));

    /// <summary>The smallest SD 1.x-shaped model the tests build: every block kind present, few channels.</summary>
    public static (UNetConfig UNet, ClipTextConfig Clip, VaeConfig Vae) Tiny(int vocabSize = 64) => (
        new UNetConfig(4, 4, 32, [1, 2], 1, [1, 0], 1, 128, 8),
        new ClipTextConfig(DetectedCheckpoint.ClipPrefix + "text_model.", vocabSize, 128, 2, 2, 77, 256),
        new VaeConfig(32, [1, 2], 1, 4, 4, false));
}
