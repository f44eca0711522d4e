using System.Runtime.InteropServices;
using ComfySharp.Engine.Nodes;
using SkiaSharp;

namespace ComfySharp.Nodes.Diffusion.Sampling;

/// <summary>
/// Latent previews for the sampler's progress (ComfyUI's <c>Latent2RGBPreviewer</c>): the first latent of the model's
/// denoised estimate mapped to RGB by SD 1.x's fixed 4×3 factors, <c>(v + 1) / 2</c> clamped to bytes, one pixel per
/// latent pixel, sent as a JPEG (quality 95). The method is the prompt's <c>extra_data.preview_method</c> when it names one,
/// else <c>--preview-method</c>; <c>auto</c> and <c>taesd</c> use latent2rgb (ComfySharp has no TAESD decoder).
/// </summary>
internal sealed class LatentPreviewer
{
    public static readonly string[] Methods = ["none", "auto", "latent2rgb", "taesd"];

    /// <summary>SD 1.x latent channel → RGB factors (ComfyUI's <c>SD15.latent_rgb_factors</c>), [channel, rgb].</summary>
    private static readonly float[,] Factors =
    {
        { 0.3512f, 0.2297f, 0.3227f },
        { 0.3250f, 0.4974f, 0.2350f },
        { -0.2829f, 0.1762f, 0.2721f },
        { -0.2120f, -0.2616f, -0.7177f },
    };

    /// <summary>The previewer for this prompt, or null when previews are off.</summary>
    public static LatentPreviewer? For(NodeContext context, DiffusionPackOptions options)
    {
        var method = options.PreviewMethod;
        if (context.ExtraData.TryGetPropertyValue("preview_method", out var node) && node is System.Text.Json.Nodes.JsonValue v
            && v.TryGetValue<string>(out var requested) && Methods.Contains(requested))
        {
            method = requested;
        }
        return method is "latent2rgb" or "auto" or "taesd" ? new LatentPreviewer() : null;
    }

    /// <summary>A JPEG of the first batch item of <paramref name="latent"/> [B, C, H, W] (C = 4).</summary>
    public PreviewImage? Preview(ReadOnlySpan<float> latent, int[] shape)
    {
        int c = shape[1], h = shape[2], w = shape[3];
        if (c != Factors.GetLength(0) || h == 0 || w == 0) return null;
        var plane = h * w;
        var rgba = new byte[plane * 4];
        for (var p = 0; p < plane; p++)
        {
            for (var k = 0; k < 3; k++)
            {
                var v = 0f;
                for (var ch = 0; ch < c; ch++) v += latent[(ch * plane) + p] * Factors[ch, k];
                rgba[(p * 4) + k] = (byte)(Math.Clamp((v + 1f) / 2f, 0f, 1f) * 255f);
            }
            rgba[(p * 4) + 3] = 255;
        }
        var info = new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Opaque);
        var handle = GCHandle.Alloc(rgba, GCHandleType.Pinned);
        try
        {
            using var pixmap = new SKPixmap(info, handle.AddrOfPinnedObject(), info.RowBytes);
            using var data = pixmap.Encode(new SKJpegEncoderOptions(95, SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore));
            return data is null ? null : new PreviewImage(PreviewFormat.Jpeg, data.ToArray());
        }
        finally
        {
            handle.Free();
        }
    }
}
