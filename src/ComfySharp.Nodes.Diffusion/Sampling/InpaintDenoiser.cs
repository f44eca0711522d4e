using ComfySharp.Diffusion.Sampling;

namespace ComfySharp.Nodes.Diffusion.Sampling;

/// <summary>
/// ComfyUI's <c>KSamplerX0Inpaint</c>: where the noise mask is 0 the latents are kept. Before each model call the kept part
/// of <c>x</c> is replaced by the original latent noised to the current σ (<c>latent + noise·σ</c>), and after it the kept
/// part of the estimate is the original latent. Mask values between 0 and 1 blend.
/// </summary>
internal sealed class InpaintDenoiser(IDenoiser inner, float[] latent, float[] noise, float[] mask) : IDenoiser
{
    public async ValueTask DenoiseAsync(ReadOnlyMemory<float> x, float sigma, Memory<float> denoised, CancellationToken ct)
    {
        var blended = new float[x.Length];
        var xs = x.Span;
        for (var i = 0; i < blended.Length; i++)
        {
            var m = mask[i];
            blended[i] = (xs[i] * m) + ((latent[i] + (noise[i] * sigma)) * (1f - m));
        }
        await inner.DenoiseAsync(blended, sigma, denoised, ct).ConfigureAwait(false);
        var d = denoised.Span;
        for (var i = 0; i < d.Length; i++)
        {
            var m = mask[i];
            d[i] = (d[i] * m) + (latent[i] * (1f - m));
        }
    }
}
