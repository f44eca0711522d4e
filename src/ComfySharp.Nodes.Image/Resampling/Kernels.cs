namespace ComfySharp.Nodes.Image.Resampling;

/// <summary>
/// Per-output-index source indices and weights of torch's interpolation modes with <c>align_corners=False</c>: source
/// coordinate <c>(dst + 0.5) · in/out − 0.5</c>; bilinear clamps it at 0, bicubic (A = −0.75) clamps the four taps to the edge;
/// area is <c>adaptive_avg_pool</c> over <c>[floor(i·in/out), ceil((i+1)·in/out))</c>.
/// </summary>
internal static class Kernels
{
    public sealed record Weights(int Size, int[] Index, float[] Coefficients);

    public static Weights Bilinear(int input, int output)
    {
        var scale = (float)input / output;
        var index = new int[output * 2];
        var k = new float[output * 2];
        for (var o = 0; o < output; o++)
        {
            var s = Math.Max(0f, scale * (o + 0.5f) - 0.5f);
            var i0 = Math.Min((int)s, input - 1);
            var i1 = Math.Min(i0 + 1, input - 1);
            var l1 = s - i0;
            index[o * 2] = i0;
            index[o * 2 + 1] = i1;
            k[o * 2] = 1f - l1;
            k[o * 2 + 1] = l1;
        }
        return new Weights(2, index, k);
    }

    public static Weights Bicubic(int input, int output)
    {
        const float a = -0.75f;
        var scale = (float)input / output;
        var index = new int[output * 4];
        var k = new float[output * 4];
        for (var o = 0; o < output; o++)
        {
            var s = scale * (o + 0.5f) - 0.5f;
            var i = (int)MathF.Floor(s);
            var t = s - i;
            // Keys' cubic convolution weights for the taps at i-1, i, i+1, i+2.
            var x1 = t + 1f;
            var x2 = t;
            var x3 = 1f - t;
            var x4 = 2f - t;
            k[o * 4] = ((a * x1 - 5 * a) * x1 + 8 * a) * x1 - 4 * a;
            k[o * 4 + 1] = ((a + 2) * x2 - (a + 3)) * x2 * x2 + 1;
            k[o * 4 + 2] = ((a + 2) * x3 - (a + 3)) * x3 * x3 + 1;
            k[o * 4 + 3] = ((a * x4 - 5 * a) * x4 + 8 * a) * x4 - 4 * a;
            for (var j = 0; j < 4; j++) index[o * 4 + j] = Math.Clamp(i - 1 + j, 0, input - 1);
        }
        return new Weights(4, index, k);
    }

    public static Weights Area(int input, int output)
    {
        var size = 1;
        for (var o = 0; o < output; o++)
        {
            var (start, end) = AreaBounds(o, input, output);
            size = Math.Max(size, end - start);
        }
        var index = new int[output * size];
        var k = new float[output * size];
        for (var o = 0; o < output; o++)
        {
            var (start, end) = AreaBounds(o, input, output);
            var w = 1f / (end - start);
            for (var j = 0; j < size; j++)
            {
                index[o * size + j] = Math.Min(start + j, input - 1);
                k[o * size + j] = start + j < end ? w : 0f;
            }
        }
        return new Weights(size, index, k);
    }

    private static (int Start, int End) AreaBounds(int o, int input, int output) =>
        ((int)((long)o * input / output), (int)(((long)(o + 1) * input + output - 1) / output));
}
