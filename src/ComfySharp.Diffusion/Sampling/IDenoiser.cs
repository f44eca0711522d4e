namespace ComfySharp.Diffusion.Sampling;

/// <summary>
/// The model as a sampler sees it (k-diffusion's "denoiser"): given latents <c>x</c> at noise level <c>sigma</c>, the
/// estimate of the clean latents. Guidance, conditioning, noise masks and the UNet call all live behind this seam; the
/// samplers only do the arithmetic between calls.
/// </summary>
public interface IDenoiser
{
    /// <summary>
    /// Writes the denoised estimate of <paramref name="x"/> into <paramref name="denoised"/> (same length). Both are
    /// [B,C,H,W] row-major in the shape the sampler was given; one <paramref name="sigma"/> holds for the whole batch.
    /// </summary>
    ValueTask DenoiseAsync(ReadOnlyMemory<float> x, float sigma, Memory<float> denoised, CancellationToken ct);
}
