using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Diffusion.Latents;

/// <summary>
/// ComfyUI's <c>common_upscale</c> on [B, C, H, W] latents: optional centre crop to the new aspect ratio, then PyTorch's
/// <c>interpolate</c> with <c>nearest-exact</c>, <c>bilinear</c>, <c>bicubic</c> (A = −0.75) or <c>area</c> (adaptive average
/// pooling), all with align_corners = False, or ComfyUI's <c>bislerp</c> (spherical interpolation of the channel vectors).
/// </summary>
internal static class LatentResize
{
    public static readonly string[] Methods = ["nearest-exact", "bilinear", "area", "bicubic", "bislerp"];
    public static readonly string[] CropMethods = ["disabled", "center"];

    public static Tensor Upscale(Tensor samples, int width, int height, string method, string crop)
    {
        if (samples.Rank != 4) throw new InvalidOperationException($"Latent upscaling needs [B, C, H, W] samples; got [{string.Join(", ", samples.Shape)}].");
        if (width <= 0 || height <= 0) throw new InvalidOperationException($"Cannot resize a latent to {width}×{height}.");
        if ((long)samples.Shape[0] * samples.Shape[1] * width * height > Array.MaxLength)
        {
            throw new InvalidOperationException($"A latent of {width}×{height} is too large.");
        }
        var source = crop == "center" ? CenterCrop(samples, width, height) : samples;
        return method switch
        {
            "nearest-exact" => Separable(source, width, height, NearestExact),
            "bilinear" => Separable(source, width, height, Bilinear),
            "bicubic" => Separable(source, width, height, Bicubic),
            "area" => Separable(source, width, height, Area),
            "bislerp" => Bislerp.Resize(source, width, height),
            _ => throw new InvalidOperationException($"Unknown upscale method '{method}'."),
        };
    }

    /// <summary>ComfyUI crops the side that is too long for the new aspect ratio, equally on both ends (Python's round).</summary>
    private static Tensor CenterCrop(Tensor t, int width, int height)
    {
        int b = t.Shape[0], c = t.Shape[1], oldH = t.Shape[2], oldW = t.Shape[3];
        double oldAspect = (double)oldW / oldH, newAspect = (double)width / height;
        int x = 0, y = 0;
        if (oldAspect > newAspect) x = (int)Math.Round((oldW - oldW * (newAspect / oldAspect)) / 2, MidpointRounding.ToEven);
        else if (oldAspect < newAspect) y = (int)Math.Round((oldH - oldH * (oldAspect / newAspect)) / 2, MidpointRounding.ToEven);
        if (x == 0 && y == 0) return t;
        int h = oldH - 2 * y, w = oldW - 2 * x;
        var data = new float[b * c * h * w];
        var src = t.Span;
        for (var p = 0; p < b * c; p++)
        {
            for (var row = 0; row < h; row++) src.Slice((p * oldH + row + y) * oldW + x, w).CopyTo(data.AsSpan((p * h + row) * w, w));
        }
        return new Tensor([b, c, h, w], data);
    }

    /// <summary>One output position's source taps (index, weight) along an axis.</summary>
    private delegate (int Index, float Weight)[] Taps(int dst, int inSize, int outSize);

    /// <summary>All these modes are separable: resize the width, then the height.</summary>
    private static Tensor Separable(Tensor t, int width, int height, Taps taps)
    {
        int planes = t.Shape[0] * t.Shape[1], inH = t.Shape[2], inW = t.Shape[3];
        var columns = Enumerable.Range(0, width).Select(x => taps(x, inW, width)).ToArray();
        var rows = Enumerable.Range(0, height).Select(y => taps(y, inH, height)).ToArray();
        var src = t.Span;
        var wide = new float[planes * inH * width];
        for (var p = 0; p < planes; p++)
        {
            for (var y = 0; y < inH; y++)
            {
                var line = src.Slice((p * inH + y) * inW, inW);
                for (var x = 0; x < width; x++)
                {
                    float sum = 0;
                    foreach (var (i, w) in columns[x]) sum += line[i] * w;
                    wide[(p * inH + y) * width + x] = sum;
                }
            }
        }
        var output = new float[planes * height * width];
        for (var p = 0; p < planes; p++)
        {
            for (var y = 0; y < height; y++)
            {
                var target = output.AsSpan((p * height + y) * width, width);
                foreach (var (i, w) in rows[y])
                {
                    var line = wide.AsSpan((p * inH + i) * width, width);
                    for (var x = 0; x < width; x++) target[x] += line[x] * w;
                }
            }
        }
        return new Tensor([t.Shape[0], t.Shape[1], height, width], output);
    }

    /// <summary>PyTorch's scale for a given output size: in / out, in float.</summary>
    private static float Scale(int inSize, int outSize) => (float)inSize / outSize;

    private static (int, float)[] NearestExact(int dst, int inSize, int outSize)
        => [(Math.Min((int)MathF.Floor((dst + 0.5f) * Scale(inSize, outSize)), inSize - 1), 1f)];

    private static (int, float)[] Bilinear(int dst, int inSize, int outSize)
    {
        var src = MathF.Max((dst + 0.5f) * Scale(inSize, outSize) - 0.5f, 0);
        var i0 = (int)src;
        var i1 = Math.Min(i0 + 1, inSize - 1);
        var lambda = src - i0;
        return [(i0, 1 - lambda), (i1, lambda)];
    }

    private static (int, float)[] Bicubic(int dst, int inSize, int outSize)
    {
        var src = (dst + 0.5f) * Scale(inSize, outSize) - 0.5f;
        var i = (int)MathF.Floor(src);
        var t = src - i;
        const float a = -0.75f;
        float Near(float x) => ((a + 2) * x - (a + 3)) * x * x + 1;
        float Far(float x) => ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
        float[] w = [Far(t + 1), Near(t), Near(1 - t), Far(2 - t)];
        var taps = new (int, float)[4];
        for (var k = 0; k < 4; k++) taps[k] = (Math.Clamp(i - 1 + k, 0, inSize - 1), w[k]);
        return taps;
    }

    /// <summary>adaptive_avg_pool: the mean over [floor(dst·in/out), ceil((dst+1)·in/out)).</summary>
    private static (int, float)[] Area(int dst, int inSize, int outSize)
    {
        var start = (int)((long)dst * inSize / outSize);
        var end = (int)(((long)(dst + 1) * inSize + outSize - 1) / outSize);
        var n = end - start;
        var taps = new (int, float)[n];
        for (var k = 0; k < n; k++) taps[k] = (start + k, 1f / n);
        return taps;
    }
}
