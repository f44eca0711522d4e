using ComfySharp.Nodes.Image.Codec;

namespace ComfySharp.Nodes.Image.Resampling;

/// <summary>
/// ComfyUI's <c>lanczos</c> goes through Pillow: the image becomes 8-bit, is resized with <c>Image.Resampling.LANCZOS</c> (a = 3,
/// support scaled by the reduction factor, horizontal pass then vertical, each with 22-bit fixed-point weights and clipping
/// to 8 bits), and comes back as <c>byte / 255</c>. This reproduces that arithmetic; with <see cref="PillowFilter.Bilinear"/> it is
/// Pillow's <c>BILINEAR</c>, which the server's preview frames use.
/// </summary>
internal static class Lanczos
{
    private const int PrecisionBits = 32 - 8 - 2;

    public static void Resize(ReadOnlySpan<float> src, int h, int w, int c, Span<float> dst, int height, int width)
    {
        var bytes = new byte[src.Length];
        Pixels.ToBytes(src, bytes);
        Pixels.ToFloats(ResizeBytes(bytes, h, w, c, height, width, PillowFilter.Lanczos), dst);
    }

    /// <summary>8-bit interleaved pixels resized as Pillow's <c>Image.resize</c> with <paramref name="filter"/>.</summary>
    public static byte[] ResizeBytes(byte[] bytes, int h, int w, int c, int height, int width, PillowFilter filter)
    {
        var current = bytes;
        var (cw, ch) = (w, h);
        if (width != w)
        {
            current = Pass(current, ch, cw, c, width, horizontal: true, filter);
            cw = width;
        }
        if (height != h)
        {
            current = Pass(current, ch, cw, c, height, horizontal: false, filter);
        }
        return current;
    }

    private static byte[] Pass(byte[] src, int h, int w, int c, int outSize, bool horizontal, PillowFilter filter)
    {
        var inSize = horizontal ? w : h;
        var (bounds, kk, kSize) = Coefficients(inSize, outSize, filter);
        var (ow, oh) = horizontal ? (outSize, h) : (w, outSize);
        var dst = new byte[ow * oh * c];
        for (var y = 0; y < oh; y++)
        {
            for (var x = 0; x < ow; x++)
            {
                var o = horizontal ? x : y;
                var min = bounds[o * 2];
                var count = bounds[o * 2 + 1];
                for (var ch = 0; ch < c; ch++)
                {
                    var ss = 1L << (PrecisionBits - 1);
                    for (var i = 0; i < count; i++)
                    {
                        var p = horizontal ? src[(y * w + min + i) * c + ch] : src[((min + i) * w + x) * c + ch];
                        ss += p * (long)kk[o * kSize + i];
                    }
                    dst[(y * ow + x) * c + ch] = (byte)Math.Clamp(ss >> PrecisionBits, 0, 255);
                }
            }
        }
        return dst;
    }

    /// <summary>Pillow's <c>precompute_coeffs</c> followed by <c>normalize_coeffs_8bpc</c>.</summary>
    private static (int[] Bounds, int[] Kk, int KSize) Coefficients(int inSize, int outSize, PillowFilter filter)
    {
        var scale = (double)inSize / outSize;
        var filterScale = Math.Max(scale, 1.0);
        var support = filter.Support * filterScale;
        var kSize = (int)Math.Ceiling(support) * 2 + 1;
        var bounds = new int[outSize * 2];
        var kk = new int[outSize * kSize];
        var k = new double[kSize];
        for (var xx = 0; xx < outSize; xx++)
        {
            var center = (xx + 0.5) * scale;
            var ss = 1.0 / filterScale;
            var xmin = Math.Max((int)(center - support + 0.5), 0);
            var xmax = Math.Min((int)(center + support + 0.5), inSize) - xmin;
            var ww = 0.0;
            for (var x = 0; x < xmax; x++)
            {
                var weight = filter.Weight((x + xmin - center + 0.5) * ss);
                k[x] = weight;
                ww += weight;
            }
            for (var x = 0; x < xmax; x++)
            {
                var v = ww != 0 ? k[x] / ww : k[x];
                kk[xx * kSize + x] = (int)(v < 0 ? -0.5 + v * (1 << PrecisionBits) : 0.5 + v * (1 << PrecisionBits));
            }
            bounds[xx * 2] = xmin;
            bounds[xx * 2 + 1] = xmax;
        }
        return (bounds, kk, kSize);
    }

}

/// <summary>Pillow's resampling filters: their support (radius at scale 1) and weight function.</summary>
internal sealed record PillowFilter(double Support, Func<double, double> Weight)
{
    public static PillowFilter Lanczos { get; } = new(3.0, x => x is >= -3.0 and < 3.0 ? Sinc(x) * Sinc(x / 3.0) : 0.0);

    public static PillowFilter Bilinear { get; } = new(1.0, x => Math.Abs(x) < 1.0 ? 1.0 - Math.Abs(x) : 0.0);

    private static double Sinc(double x)
    {
        if (x == 0.0) return 1.0;
        x *= Math.PI;
        return Math.Sin(x) / x;
    }
}
