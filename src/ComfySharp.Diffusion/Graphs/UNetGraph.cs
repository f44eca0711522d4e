using ComfySharp.Diffusion.Models;
using ComfySharp.Diffusion.Onnx;

namespace ComfySharp.Diffusion.Graphs;

/// <summary>
/// The SD 1.x UNet (ldm's openaimodel layout) as an ONNX graph: x [B, C, h, w], timesteps [B] and context
/// [B, T, context_dim] → the model output [B, C, h, w]. Sizes come from <see cref="UNetConfig"/>: resnet blocks with
/// the timestep embedding added between their convolutions, spatial transformers (1×1 conv projections, self- then
/// cross-attention, GEGLU feed-forward), stride-2 downsampling and nearest upsampling to the skip's size.
/// </summary>
internal static class UNetGraph
{
    public const string XName = "x";
    public const string TimestepsName = "timesteps";
    public const string ContextName = "context";
    public const string OutputName = "out";

    public static OnnxGraph Build(UNetConfig c, IWeightCatalog weights, string prefix = DetectedCheckpoint.UNetPrefix)
    {
        var g = new OnnxGraph("unet", weights);
        var p = prefix;
        var x = g.Input(XName, OnnxDataType.Float, "batch", c.InChannels, "height", "width");
        var t = g.Input(TimestepsName, OnnxDataType.Float, "batch");
        var context = g.Input(ContextName, OnnxDataType.Float, "batch", "tokens", c.ContextDim);

        var emb = TimestepEmbedding(g, t, c.ModelChannels);
        emb = g.Linear(g.Silu(g.Linear(emb, p + "time_embed.0", c.ModelChannels, c.TimeEmbedDim)), p + "time_embed.2", c.TimeEmbedDim, c.TimeEmbedDim);
        var embSilu = g.Silu(emb);

        var skips = new Stack<(Value Value, int Channels)>();
        var h = g.Conv(x, p + "input_blocks.0.0", c.InChannels, c.ModelChannels, 3);
        var ch = c.ModelChannels;
        skips.Push((h, ch));
        var block = 1;
        for (var level = 0; level < c.ChannelMult.Length; level++)
        {
            for (var r = 0; r < c.NumResBlocks; r++)
            {
                var outCh = c.ChannelMult[level] * c.ModelChannels;
                h = ResBlock(g, h, embSilu, $"{p}input_blocks.{block}.0", ch, outCh, c.TimeEmbedDim);
                ch = outCh;
                if (c.AttentionDepth[level] > 0) h = Transformer(g, h, context, $"{p}input_blocks.{block}.1", ch, c.AttentionDepth[level], c);
                skips.Push((h, ch));
                block++;
            }
            if (level != c.ChannelMult.Length - 1)
            {
                h = g.Conv(h, $"{p}input_blocks.{block}.0.op", ch, ch, 3, stride: 2, pad: 1);
                skips.Push((h, ch));
                block++;
            }
        }

        h = ResBlock(g, h, embSilu, p + "middle_block.0", ch, ch, c.TimeEmbedDim);
        if (c.MiddleAttentionDepth > 0) h = Transformer(g, h, context, p + "middle_block.1", ch, c.MiddleAttentionDepth, c);
        h = ResBlock(g, h, embSilu, $"{p}middle_block.{(c.MiddleAttentionDepth > 0 ? 2 : 1)}", ch, ch, c.TimeEmbedDim);

        block = 0;
        for (var level = c.ChannelMult.Length - 1; level >= 0; level--)
        {
            for (var r = 0; r <= c.NumResBlocks; r++)
            {
                var (skip, skipCh) = skips.Pop();
                var outCh = c.ChannelMult[level] * c.ModelChannels;
                h = ResBlock(g, g.Concat(1, h, skip), embSilu, $"{p}output_blocks.{block}.0", ch + skipCh, outCh, c.TimeEmbedDim);
                ch = outCh;
                var sub = 1;
                if (c.AttentionDepth[level] > 0) h = Transformer(g, h, context, $"{p}output_blocks.{block}.{sub++}", ch, c.AttentionDepth[level], c);
                if (level > 0 && r == c.NumResBlocks)
                {
                    h = g.Conv(g.UpsampleLike(h, skips.Peek().Value), $"{p}output_blocks.{block}.{sub}.conv", ch, ch, 3);
                }
                block++;
            }
        }

        h = g.Conv(g.Silu(g.GroupNorm(h, p + "out.0", ch)), p + "out.2", ch, c.OutChannels, 3);
        g.Output(h, OutputName, OnnxDataType.Float, "batch", c.OutChannels, "height", "width");
        return g;
    }

    /// <summary>Sinusoidal embedding of the timesteps: [cos(t·f), sin(t·f)] with f_i = 10000^(−i/half).</summary>
    private static Value TimestepEmbedding(OnnxGraph g, Value t, int dim)
    {
        var half = dim / 2;
        var freqs = new float[half];
        for (var i = 0; i < half; i++) freqs[i] = MathF.Exp(-MathF.Log(10000) * i / half);
        var args = g.Mul(g.Op("Unsqueeze", [t, g.ConstantInt64(1)]), g.Constant(freqs, 1, half));
        return g.Concat(1, g.Op("Cos", [args]), g.Op("Sin", [args]));
    }

    private static Value ResBlock(OnnxGraph g, Value x, Value embSilu, string p, int inCh, int outCh, int embDim)
    {
        var h = g.Conv(g.Silu(g.GroupNorm(x, p + ".in_layers.0", inCh)), p + ".in_layers.2", inCh, outCh, 3);
        var e = g.Reshape(g.Linear(embSilu, p + ".emb_layers.1", embDim, outCh), 0, outCh, 1, 1);
        h = g.Add(h, e);
        h = g.Conv(g.Silu(g.GroupNorm(h, p + ".out_layers.0", outCh)), p + ".out_layers.3", outCh, outCh, 3);
        var skip = inCh == outCh ? x : g.Conv(x, p + ".skip_connection", inCh, outCh, 1);
        return g.Add(skip, h);
    }

    private static Value Transformer(OnnxGraph g, Value x, Value context, string p, int ch, int depth, UNetConfig c)
    {
        var h = g.Conv(g.GroupNorm(x, p + ".norm", ch, 32, 1e-6f), p + ".proj_in", ch, ch, 1);
        var tokens = g.ToTokens(h, ch);
        var headDim = ch / c.NumHeads;
        for (var d = 0; d < depth; d++)
        {
            var b = $"{p}.transformer_blocks.{d}";
            var n = g.LayerNorm(tokens, b + ".norm1", ch);
            var self = g.Attention(g.Linear3d(n, b + ".attn1.to_q", ch, ch, bias: false), g.Linear3d(n, b + ".attn1.to_k", ch, ch, bias: false),
                g.Linear3d(n, b + ".attn1.to_v", ch, ch, bias: false), c.NumHeads, headDim);
            tokens = g.Add(tokens, g.Linear3d(self, b + ".attn1.to_out.0", ch, ch));

            n = g.LayerNorm(tokens, b + ".norm2", ch);
            var cross = g.Attention(g.Linear3d(n, b + ".attn2.to_q", ch, ch, bias: false),
                g.Linear3d(context, b + ".attn2.to_k", c.ContextDim, ch, bias: false),
                g.Linear3d(context, b + ".attn2.to_v", c.ContextDim, ch, bias: false), c.NumHeads, headDim);
            tokens = g.Add(tokens, g.Linear3d(cross, b + ".attn2.to_out.0", ch, ch));

            n = g.LayerNorm(tokens, b + ".norm3", ch);
            var projected = g.Linear3d(n, b + ".ff.net.0.proj", ch, ch * 8);
            var gated = g.Mul(g.SliceAxis(projected, 0, ch * 4, 2), g.Gelu(g.SliceAxis(projected, ch * 4, ch * 8, 2)));
            tokens = g.Add(tokens, g.Linear3d(gated, b + ".ff.net.2", ch * 4, ch));
        }
        h = g.Conv(g.FromTokens(tokens, x), p + ".proj_out", ch, ch, 1);
        return g.Add(h, x);
    }
}
