using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Image.Color;

/// <summary>
/// The square filters of ComfyUI's blur and sharpen: a Gaussian over <c>linspace(−1, 1, 2r+1)²</c>, applied per channel to the
/// image reflect-padded by r (torch's <c>F.pad(..., 'reflect')</c> then <c>conv2d</c> and the crop back).
/// </summary>
internal static class Convolution
{
    public static float[] Gaussian(int size, float sigma)
    {
        var kernel = new float[size * size];
        var sum = 0f;
        for (var i = 0; i < size; i++)
        {
            for (var j = 0; j < size; j++)
            {
                var x = Linspace(i, size);
                var y = Linspace(j, size);
                var d = MathF.Sqrt(x * x + y * y);
                var g = MathF.Exp(-(d * d) / (2f * sigma * sigma));
                kernel[i * size + j] = g;
                sum += g;
            }
        }
        for (var i = 0; i < kernel.Length; i++) kernel[i] /= sum;
        return kernel;
    }

    private static float Linspace(int i, int count) => count == 1 ? -1f : -1f + 2f * i / (count - 1);

    public static Tensor Apply(Tensor image, float[] kernel, int radius)
    {
        var (b, h, w, c) = ImageTensors.ImageShape(image);
        if (radius >= h || radius >= w)
        {
            // torch refuses a reflect pad as large as the dimension.
            throw new InvalidOperationException($"Padding size should be less than the corresponding input dimension, but got: padding ({radius}, {radius}) at dimension of input [{h}, {w}]");
        }
        var size = radius * 2 + 1;
        var src = image.Span;
        var result = new float[src.Length];
        for (var n = 0; n < b; n++)
        {
            var offset = n * h * w * c;
            for (var y = 0; y < h; y++)
            {
                for (var x = 0; x < w; x++)
                {
                    for (var ch = 0; ch < c; ch++)
                    {
                        var sum = 0f;
                        for (var ky = 0; ky < size; ky++)
                        {
                            var sy = Reflect(y + ky - radius, h);
                            for (var kx = 0; kx < size; kx++)
                            {
                                sum += kernel[ky * size + kx] * src[offset + (sy * w + Reflect(x + kx - radius, w)) * c + ch];
                            }
                        }
                        result[offset + (y * w + x) * c + ch] = sum;
                    }
                }
            }
        }
        return new Tensor((int[])image.Shape.Clone(), result);
    }

    private static int Reflect(int i, int n) => i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i;
}
