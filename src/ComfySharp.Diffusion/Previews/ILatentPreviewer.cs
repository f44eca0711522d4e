namespace ComfySharp.Diffusion.Previews;

/// <summary>
/// Turns the sampler's current denoised latent into a small RGB picture for the progress bar (ComfyUI's latent_preview.py).
/// The latent is NCHW float32 (<c>[B, C, h, w]</c>, in the sampler's scaled space, as the callback sees it); one batch item is
/// previewed. The caller encodes the result (JPEG 95, fitted to <c>--preview-size</c>) and sends it.
/// </summary>
public interface ILatentPreviewer
{
    LatentPreview Preview(ReadOnlySpan<float> latent, ReadOnlySpan<int> shape, int batchIndex = 0);
}

/// <summary>8-bit RGB pixels, row-major, 3 bytes per pixel.</summary>
public sealed record LatentPreview(byte[] Rgb, int Width, int Height);

/// <summary>What both previewers share: shape checks and ComfyUI's <c>preview_to_image</c> quantisation.</summary>
internal static class LatentPreviewMath
{
    public static (int Batch, int Channels, int Height, int Width) Check(ReadOnlySpan<float> latent, ReadOnlySpan<int> shape, int batchIndex,
        int channels)
    {
        if (shape.Length != 4) throw new ArgumentException($"Expected a latent [B, C, h, w], got {shape.Length} dimensions.", nameof(shape));
        var (b, c, h, w) = (shape[0], shape[1], shape[2], shape[3]);
        if (b <= 0 || h <= 0 || w <= 0) throw new ArgumentException("The latent is empty.", nameof(shape));
        if (c != channels) throw new ArgumentException($"Expected {channels} latent channels, got {c}.", nameof(shape));
        if ((long)b * c * h * w != latent.Length) throw new ArgumentException("The latent's length does not match its shape.", nameof(latent));
        if (batchIndex < 0 || batchIndex >= b) throw new ArgumentOutOfRangeException(nameof(batchIndex), batchIndex, $"batch has {b} items");
        return (b, c, h, w);
    }

    /// <summary>
    /// ComfyUI's <c>preview_to_image</c>: clamped to −1..1, <c>(x + 1) · 127.5</c> in float32, rounded half to even as
    /// <c>torch.round</c> does (ComfyUI rounds here since it found the truncating cast wrong for images).
    /// </summary>
    public static byte ToByte(float x)
    {
        var v = x < -1f ? -1f : x > 1f ? 1f : x;
        return (byte)MathF.Round((v + 1f) * 127.5f, MidpointRounding.ToEven);
    }
}
