using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Diffusion.Latents;

/// <summary>Noise masks: a MASK as ComfyUI keeps it in a latent ([B, 1, H, W]) and scaled to a latent batch for sampling.</summary>
internal static class NoiseMasks
{
    /// <summary>[H, W], [B, H, W] or [B, 1, H, W] → [B, 1, H, W] (ComfyUI's <c>reshape((-1, 1, H, W))</c>).</summary>
    public static Tensor AsBatch(Tensor mask)
    {
        if (mask.Rank < 2 || mask.Length == 0) throw new InvalidOperationException($"A mask must be [H, W] or [B, H, W]; got [{string.Join(", ", mask.Shape)}].");
        int h = mask.Shape[^2], w = mask.Shape[^1];
        return mask.Reshape(mask.Length / (h * w), 1, h, w);
    }

    /// <summary>
    /// ComfyUI's <c>prepare_mask</c>: bilinear resize to the latent's H×W, the same mask for every channel, and the batch
    /// repeated (tiled) or cut to the latent's batch. Returns [B, C, H, W] data.
    /// </summary>
    public static float[] ForLatent(Tensor noiseMask, int[] shape)
    {
        int b = shape[0], c = shape[1], h = shape[2], w = shape[3];
        var mask = AsBatch(noiseMask);
        var resized = mask.Shape[2] == h && mask.Shape[3] == w ? mask : LatentResize.Upscale(mask, w, h, "bilinear", "disabled");
        var n = resized.Shape[0];
        var data = new float[b * c * h * w];
        var src = resized.Span;
        for (var i = 0; i < b; i++)
        {
            var plane = src.Slice(i % n * h * w, h * w);
            for (var ch = 0; ch < c; ch++) plane.CopyTo(data.AsSpan(((i * c) + ch) * h * w, h * w));
        }
        return data;
    }
}
