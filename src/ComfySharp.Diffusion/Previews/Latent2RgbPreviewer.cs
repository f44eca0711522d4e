namespace ComfySharp.Diffusion.Previews;

/// <summary>
/// ComfyUI's <c>latent2rgb</c> preview: each latent pixel's channels times a fixed C×3 matrix (plus an optional bias) gives an RGB
/// value in about −1..1, quantised as <c>preview_to_image</c> does. The picture has the latent's size (1/8 of the image).
/// </summary>
public sealed class Latent2RgbPreviewer : ILatentPreviewer
{
    /// <summary>SD 1.x's <c>latent_rgb_factors</c> (comfy/latent_formats.py, SD15): rows are latent channels, columns R, G, B.</summary>
    public static readonly float[,] Sd15Factors =
    {
        { 0.3512f, 0.2297f, 0.3227f },
        { 0.3250f, 0.4974f, 0.2350f },
        { -0.2829f, 0.1762f, 0.2721f },
        { -0.2120f, -0.2616f, -0.7177f },
    };

    private readonly float[,] _factors;
    private readonly float[] _bias;

    public Latent2RgbPreviewer(float[,] factors, float[]? bias = null)
    {
        if (factors.GetLength(1) != 3) throw new ArgumentException("Factors map each latent channel to R, G and B.", nameof(factors));
        if (bias is not null && bias.Length != 3) throw new ArgumentException("The bias has one value per colour.", nameof(bias));
        _factors = factors;
        _bias = bias ?? new float[3];
    }

    public static Latent2RgbPreviewer Sd15() => new(Sd15Factors);

    public LatentPreview Preview(ReadOnlySpan<float> latent, ReadOnlySpan<int> shape, int batchIndex = 0)
    {
        var (_, c, h, w) = LatentPreviewMath.Check(latent, shape, batchIndex, _factors.GetLength(0));
        var plane = h * w;
        var item = latent.Slice(batchIndex * c * plane, c * plane);
        var rgb = new byte[plane * 3];
        for (var p = 0; p < plane; p++)
        {
            for (var o = 0; o < 3; o++)
            {
                var sum = 0f;
                for (var ch = 0; ch < c; ch++) sum += item[ch * plane + p] * _factors[ch, o];
                rgb[p * 3 + o] = LatentPreviewMath.ToByte(sum + _bias[o]);
            }
        }
        return new LatentPreview(rgb, w, h);
    }
}
