namespace ComfySharp.Diffusion.Sampling;

/// <summary>
/// What a sampler reports after each step (ComfyUI's sampler callback): the step index (0-based) of
/// <paramref name="Total"/>, the noise level the step started from, the latents after the step and the model's
/// denoised estimate (what latent previews show). The memory is the sampler's own and only valid during the call.
/// </summary>
public sealed record SamplerStep(int Index, int Total, float Sigma, ReadOnlyMemory<float> X, ReadOnlyMemory<float> Denoised);
