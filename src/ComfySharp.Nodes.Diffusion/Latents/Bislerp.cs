using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Diffusion.Latents;

/// <summary>
/// ComfyUI's <c>bislerp</c>: resize the width, then the height; each output vector (across channels) is the spherical
/// interpolation of its two bilinear neighbours, with the norm interpolated linearly. Neighbours and ratios come from
/// PyTorch's bilinear interpolation of the coordinates (so the edges clamp as bilinear does). Nearly equal directions take
/// the first neighbour; opposite ones the linear mix.
/// </summary>
internal static class Bislerp
{
    public static Tensor Resize(Tensor t, int width, int height)
    {
        var wide = Pass(t, width, horizontal: true);
        return Pass(wide, height, horizontal: false);
    }

    private static Tensor Pass(Tensor t, int newSize, bool horizontal)
    {
        int n = t.Shape[0], c = t.Shape[1], h = t.Shape[2], w = t.Shape[3];
        var oldSize = horizontal ? w : h;
        var (ratios, first, second) = Coordinates(oldSize, newSize);
        int outH = horizontal ? h : newSize, outW = horizontal ? newSize : w;
        var src = t.Span;
        var output = new float[n * c * outH * outW];
        var b1 = new float[c];
        var b2 = new float[c];
        for (var b = 0; b < n; b++)
        {
            for (var y = 0; y < outH; y++)
            {
                for (var x = 0; x < outW; x++)
                {
                    var k = horizontal ? x : y;
                    for (var ch = 0; ch < c; ch++)
                    {
                        var plane = (b * c + ch) * h;
                        b1[ch] = horizontal ? src[(plane + y) * w + first[k]] : src[(plane + first[k]) * w + x];
                        b2[ch] = horizontal ? src[(plane + y) * w + second[k]] : src[(plane + second[k]) * w + x];
                    }
                    Slerp(b1, b2, ratios[k], output, ((b * c) * outH + y) * outW + x, outH * outW);
                }
            }
        }
        return new Tensor([n, c, outH, outW], output);
    }

    private static void Slerp(float[] b1, float[] b2, float r, float[] output, int offset, int stride)
    {
        var c = b1.Length;
        float n1 = 0, n2 = 0;
        for (var i = 0; i < c; i++)
        {
            n1 += b1[i] * b1[i];
            n2 += b2[i] * b2[i];
        }
        n1 = MathF.Sqrt(n1);
        n2 = MathF.Sqrt(n2);
        float dot = 0;
        for (var i = 0; i < c; i++) dot += (n1 == 0 ? 0 : b1[i] / n1) * (n2 == 0 ? 0 : b2[i] / n2);
        for (var i = 0; i < c; i++)
        {
            float value;
            if (dot > 1 - 1e-5f) value = b1[i];
            else if (dot < 1e-5f - 1) value = b1[i] * (1 - r) + b2[i] * r;
            else
            {
                var omega = MathF.Acos(dot);
                var so = MathF.Sin(omega);
                var u1 = n1 == 0 ? 0 : b1[i] / n1;
                var u2 = n2 == 0 ? 0 : b2[i] / n2;
                value = (MathF.Sin((1 - r) * omega) / so * u1 + MathF.Sin(r * omega) / so * u2) * (n1 * (1 - r) + n2 * r);
            }
            output[offset + i * stride] = value;
        }
    }

    /// <summary>Bilinear interpolation of 0..old−1 (and of 1..old, the last clamped) to the new length: truncated neighbours and the fraction.</summary>
    private static (float[] Ratios, int[] First, int[] Second) Coordinates(int oldSize, int newSize)
    {
        var ratios = new float[newSize];
        var first = new int[newSize];
        var second = new int[newSize];
        var scale = (float)oldSize / newSize;
        for (var d = 0; d < newSize; d++)
        {
            var src = MathF.Max((d + 0.5f) * scale - 0.5f, 0);
            var i0 = (int)src;
            var i1 = Math.Min(i0 + 1, oldSize - 1);
            var lambda = src - i0;
            var c1 = i0 * (1 - lambda) + i1 * lambda;
            // The second coordinate array is 1..old with its last entry lowered by one (old − 1).
            float Second(int i) => i == oldSize - 1 ? oldSize - 1 : i + 1;
            var c2 = Second(i0) * (1 - lambda) + Second(i1) * lambda;
            ratios[d] = c1 - MathF.Floor(c1);
            first[d] = (int)c1;
            second[d] = (int)c2;
        }
        return (ratios, first, second);
    }
}
