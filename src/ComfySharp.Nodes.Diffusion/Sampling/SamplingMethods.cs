using ComfySharp.Diffusion.Sampling;

namespace ComfySharp.Nodes.Diffusion.Sampling;

/// <summary>
/// The sampling library as the nodes use it, for SD 1.x eps models (the only family that loads): sampler and scheduler
/// names, σ schedules and KSampler's planning, the model's timestep for a σ, the initial noising and the seeded noise.
/// </summary>
internal static class SamplingMethods
{
    private static ModelSamplingDiscrete Model => ModelSamplingDiscrete.StableDiffusion1;

    public static IReadOnlyList<string> SamplerNames => Samplers.Names;

    public static IReadOnlyList<string> SchedulerNames => Schedulers.Names;

    /// <summary>The UNet's timestep for a noise level (ComfyUI feeds the nearest index, as a float).</summary>
    public static float Timestep(float sigma) => Model.Timestep(sigma);

    /// <summary>KSampler's σs for its sampler, scheduler, steps and denoise (empty when denoise ≤ 0).</summary>
    public static float[] KSamplerSigmas(string scheduler, string sampler, int steps, double denoise) =>
        SigmaPlanning.ForKSampler(Model, scheduler, sampler, steps, denoise);

    /// <summary>BasicScheduler's σs.</summary>
    public static float[] Sigmas(string scheduler, int steps, double denoise) => SigmaPlanning.ForBasicScheduler(Model, scheduler, steps, denoise);

    /// <summary>KSampler's start/last step cut; null when nothing is left to sample.</summary>
    public static float[]? Plan(float[] sigmas, int? startStep, int? lastStep, bool forceFullDenoise) =>
        SigmaPlanning.Window(sigmas, startStep, lastStep, forceFullDenoise);

    public static float[] Karras(int steps, double sigmaMin, double sigmaMax, double rho) => Schedulers.Karras(steps, sigmaMin, sigmaMax, rho);

    public static float[] Exponential(int steps, double sigmaMin, double sigmaMax) => Schedulers.Exponential(steps, sigmaMin, sigmaMax);

    public static (float[] High, float[] Low) Split(float[] sigmas, int step) => SigmaPlanning.Split(sigmas, step);

    public static float[] Flip(float[] sigmas) => SigmaPlanning.Flip(sigmas);

    /// <summary>ComfyUI's <c>prepare_noise</c>: torch's CPU randn for the seed, per batch index when the latent has them.</summary>
    public static float[] PrepareNoise(ulong seed, int[] shape, IReadOnlyList<long>? batchIndex)
    {
        IReadOnlyList<int>? indexes = batchIndex?.Select(i => i is < 0 or > int.MaxValue
            ? throw new InvalidOperationException($"A latent batch_index of {i} is out of range.")
            : (int)i).ToArray();
        return InitialNoise.Prepare(seed, shape, indexes);
    }

    /// <summary>The starting latents: the latent noised to σ₀ (with √(1+σ²) scaling when σ₀ is the model's largest, as ComfyUI).</summary>
    public static float[] NoiseScaling(float[] sigmas, float[] noise, float[] latent)
    {
        var x = new float[noise.Length];
        ModelSamplingDiscrete.NoiseScaling(sigmas[0], noise, latent, x, Model.IsMaxDenoise(sigmas));
        return x;
    }

    public static async Task<float[]> SampleAsync(string sampler, IDenoiser denoiser, float[] x, int[] shape, float[] sigmas, ulong seed,
        Action<SamplerStep> callback, CancellationToken ct)
    {
        var result = await Samplers.SampleAsync(sampler, denoiser, x, shape, sigmas, seed, null, callback, ct).ConfigureAwait(false);
        ModelSamplingDiscrete.InverseNoiseScaling(result);
        return result;
    }
}
