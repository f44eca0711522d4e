using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Diffusion.Latents;

/// <summary>
/// ComfyUI's <c>tiled_scale</c> for one [1, C, H, W] item: run <paramref name="function"/> on overlapping tiles, and blend the
/// results with masks that ramp up linearly over the (scaled) overlap at every tile edge, normalised by the summed masks.
/// A result is <paramref name="scale"/> times the size of its tile (8 for decoding, 1/8 for encoding).
/// </summary>
internal static class TiledScale
{
    public static Tensor Run(Tensor item, Func<Tensor, Tensor> function, int tileY, int tileX, int overlap, double scale, int outChannels,
        CancellationToken ct)
    {
        int c = item.Shape[1], h = item.Shape[2], w = item.Shape[3];
        if (h <= tileY && w <= tileX) return function(item);
        if (tileY - overlap <= 0 || tileX - overlap <= 0)
        {
            throw new InvalidOperationException($"The tile size ({tileX}×{tileY}) must be larger than the overlap ({overlap}).");
        }

        int outH = Round(h * scale), outW = Round(w * scale);
        var sum = new float[outChannels * outH * outW];
        var weight = new float[outChannels * outH * outW];
        var feather = Round(overlap * scale);
        foreach (var py in Positions(h, tileY, overlap))
        {
            foreach (var px in Positions(w, tileX, overlap))
            {
                ct.ThrowIfCancellationRequested();
                int y0 = Math.Max(0, Math.Min(h - overlap, py)), x0 = Math.Max(0, Math.Min(w - overlap, px));
                int th = Math.Min(tileY, h - y0), tw = Math.Min(tileX, w - x0);
                var result = function(Crop(item, c, h, w, y0, x0, th, tw));
                int rh = result.Shape[2], rw = result.Shape[3], oy = Round(y0 * scale), ox = Round(x0 * scale);
                var maskY = Ramp(rh, feather);
                var maskX = Ramp(rw, feather);
                var r = result.Span;
                for (var ch = 0; ch < outChannels; ch++)
                {
                    for (var y = 0; y < rh && oy + y < outH; y++)
                    {
                        for (var x = 0; x < rw && ox + x < outW; x++)
                        {
                            var m = maskY[y] * maskX[x];
                            var at = (ch * outH + oy + y) * outW + ox + x;
                            sum[at] += r[(ch * rh + y) * rw + x] * m;
                            weight[at] += m;
                        }
                    }
                }
            }
        }
        for (var i = 0; i < sum.Length; i++) sum[i] /= weight[i];
        return new Tensor([1, outChannels, outH, outW], sum);
    }

    /// <summary>Python's round (half to even), as ComfyUI sizes and places the tiles.</summary>
    private static int Round(double v) => (int)Math.Round(v, MidpointRounding.ToEven);

    /// <summary>range(0, size − overlap, tile − overlap) when the side needs tiling, else the single position 0.</summary>
    private static IEnumerable<int> Positions(int size, int tile, int overlap)
    {
        if (size <= tile)
        {
            yield return 0;
            yield break;
        }
        for (var p = 0; p < size - overlap; p += tile - overlap) yield return p;
    }

    /// <summary>1 inside, (t + 1) / feather for the t-th position from either edge (both ramps multiply where they meet).</summary>
    private static float[] Ramp(int length, int feather)
    {
        var mask = new float[length];
        Array.Fill(mask, 1f);
        if (feather >= length) return mask;
        for (var t = 0; t < feather; t++)
        {
            var a = (t + 1f) / feather;
            mask[t] *= a;
            mask[length - 1 - t] *= a;
        }
        return mask;
    }

    private static Tensor Crop(Tensor t, int c, int h, int w, int y0, int x0, int th, int tw)
    {
        var data = new float[c * th * tw];
        var src = t.Span;
        for (var ch = 0; ch < c; ch++)
        {
            for (var y = 0; y < th; y++) src.Slice((ch * h + y0 + y) * w + x0, tw).CopyTo(data.AsSpan((ch * th + y) * tw, tw));
        }
        return new Tensor([1, c, th, tw], data);
    }
}
