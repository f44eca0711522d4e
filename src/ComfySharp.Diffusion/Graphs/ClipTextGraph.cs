using ComfySharp.Diffusion.Models;
using ComfySharp.Diffusion.Onnx;

namespace ComfySharp.Diffusion.Graphs;

/// <summary>
/// The CLIP text transformer (SD 1.x's CLIP-L in the Hugging Face layout) as an ONNX graph. Input: token embeddings
/// [B, T, W] (looked up in C#, so textual-inversion vectors go in as they are); the graph adds position embeddings,
/// runs <paramref name="layers"/> pre-norm layers with a causal mask and quick-GELU, and applies the final layer norm
/// (ComfyUI normalises the output of an earlier layer too when CLIPSetLastLayer stops there).
/// </summary>
internal static class ClipTextGraph
{
    public const string Input = "embeds";
    public const string Output = "hidden";

    public static OnnxGraph Build(ClipTextConfig c, IWeightCatalog weights, int layers, int tokens = 77)
    {
        if (layers < 1 || layers > c.Layers) throw new ArgumentOutOfRangeException(nameof(layers), $"CLIP has {c.Layers} layers.");
        if (tokens > c.MaxPositions) throw new ArgumentOutOfRangeException(nameof(tokens), $"CLIP has {c.MaxPositions} positions.");
        var g = new OnnxGraph("clip_text", weights);
        var p = c.Prefix;
        var x = g.Input(Input, OnnxDataType.Float, "batch", tokens, c.Width);

        // Position embeddings: the first `tokens` rows of the table.
        var positions = g.Weight(p + "embeddings.position_embedding.weight", [c.MaxPositions, c.Width]);
        if (tokens != c.MaxPositions)
        {
            positions = g.Op("Slice", [positions, g.ConstantInt64(0), g.ConstantInt64(tokens), g.ConstantInt64(0)]);
        }
        x = g.Add(x, positions);

        var mask = g.Constant(CausalMask(tokens), tokens, tokens);
        for (var i = 0; i < layers; i++)
        {
            var l = $"{p}encoder.layers.{i}.";
            var h = g.LayerNorm(x, l + "layer_norm1", c.Width);
            var q = g.Linear3d(h, l + "self_attn.q_proj", c.Width, c.Width);
            var k = g.Linear3d(h, l + "self_attn.k_proj", c.Width, c.Width);
            var v = g.Linear3d(h, l + "self_attn.v_proj", c.Width, c.Width);
            var attention = g.Attention(q, k, v, c.Heads, c.Width / c.Heads, mask);
            x = g.Add(x, g.Linear3d(attention, l + "self_attn.out_proj", c.Width, c.Width));

            h = g.LayerNorm(x, l + "layer_norm2", c.Width);
            h = g.QuickGelu(g.Linear3d(h, l + "mlp.fc1", c.Width, c.IntermediateSize));
            x = g.Add(x, g.Linear3d(h, l + "mlp.fc2", c.IntermediateSize, c.Width));
        }
        x = g.LayerNorm(x, p + "final_layer_norm", c.Width);
        g.Output(x, Output, OnnxDataType.Float, "batch", tokens, c.Width);
        return g;
    }

    /// <summary>0 on and below the diagonal, a large negative number above it (a token sees only earlier tokens).</summary>
    private static float[] CausalMask(int n)
    {
        var mask = new float[n * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++) mask[i * n + j] = -float.MaxValue;
        }
        return mask;
    }
}
