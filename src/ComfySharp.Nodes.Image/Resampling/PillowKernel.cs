namespace ComfySharp.Nodes.Image.Resampling;

/// <summary>
/// One axis of a Pillow resize, computed once per call: Pillow's <c>precompute_coeffs</c> and <c>normalize_coeffs_8bpc</c> (22-bit
/// fixed-point weights), laid out for SIMD. Every output index reads the same number of taps, <see cref="Size"/>, from
/// <see cref="Start"/> on: Pillow's own span (its <c>xmin</c>, <c>xmax</c>) is placed inside that window and the other taps weigh
/// 0, and the window is shifted left where it would pass the edge. Zero-weight taps add nothing to Pillow's integer sums, so
/// the results stay exactly Pillow's.
/// </summary>
internal sealed class PillowKernel
{
    public const int PrecisionBits = 32 - 8 - 2;

    private PillowKernel(int size, int[] start, int[] weights)
    {
        Size = size;
        Start = start;
        Weights = weights;
    }

    /// <summary>Taps per output index.</summary>
    public int Size { get; }

    /// <summary>First input index each output index reads.</summary>
    public int[] Start { get; }

    /// <summary><see cref="Size"/> fixed-point weights per output index.</summary>
    public int[] Weights { get; }

    public static PillowKernel Create(int inSize, int outSize, PillowFilter filter)
    {
        var scale = (double)inSize / outSize;
        var filterScale = Math.Max(scale, 1.0);
        var support = filter.Support * filterScale;
        var kSize = (int)Math.Ceiling(support) * 2 + 1;
        var size = Math.Min(kSize, inSize);
        var start = new int[outSize];
        var weights = new int[outSize * size];
        var k = new double[kSize];
        var ss = 1.0 / filterScale;
        for (var xx = 0; xx < outSize; xx++)
        {
            var center = (xx + 0.5) * scale;
            var xmin = Math.Max((int)(center - support + 0.5), 0);
            var count = Math.Min((int)(center + support + 0.5), inSize) - xmin;
            var ww = 0.0;
            for (var x = 0; x < count; x++)
            {
                var weight = filter.Weight((x + xmin - center + 0.5) * ss);
                k[x] = weight;
                ww += weight;
            }
            var first = Math.Min(xmin, inSize - size);
            start[xx] = first;
            var row = weights.AsSpan(xx * size, size);
            for (var x = 0; x < count; x++)
            {
                var v = ww != 0 ? k[x] / ww : k[x];
                row[xmin - first + x] = (int)(v < 0 ? -0.5 + v * (1 << PrecisionBits) : 0.5 + v * (1 << PrecisionBits));
            }
        }
        return new PillowKernel(size, start, weights);
    }
}
