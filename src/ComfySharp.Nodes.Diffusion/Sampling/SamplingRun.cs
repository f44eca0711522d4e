using ComfySharp.Diffusion.Sampling;
using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;
using ComfySharp.Nodes.Diffusion.Latents;

namespace ComfySharp.Nodes.Diffusion.Sampling;

/// <summary>
/// One sampling run as ComfyUI's <c>CFGGuider.sample</c> does it: the latent is scaled into the model's space (×0.18215 for
/// SD 1.x), noised to the first σ (<c>noise·√(1+σ²)</c> when starting from the largest σ, else <c>noise·σ</c>), denoised by
/// the sampler through the guided (and, with a noise mask, inpainting) denoiser, and scaled back. Every step reports
/// progress (and a latent preview when enabled) to the node.
/// </summary>
internal static class SamplingRun
{
    /// <summary>SD 1.x's latent scale factor (ComfyUI's <c>process_latent_in/out</c>).</summary>
    public const float LatentScale = 0.18215f;

    /// <returns>The sampled latent and the model's last denoised estimate (SamplerCustom's second output).</returns>
    public static async Task<(Latent Output, Latent Denoised)> SampleAsync(GuiderValue guider, NoiseValue noise, SamplerValue sampler,
        float[] sigmas, Latent latent, NodeContext context, CancellationToken ct)
    {
        var samples = FixChannels(latent.Samples, guider.Model.LatentChannels);
        var shape = samples.Shape;
        if (sigmas.Length <= 1) return (latent, latent); // nothing to sample (ComfyUI returns the latent as is)
        foreach (var s in sigmas)
        {
            if (!float.IsFinite(s) || s < 0) throw new InvalidOperationException($"The sigmas must be finite and not negative; got {s}.");
        }

        var latentIn = samples.Span.ToArray();
        for (var i = 0; i < latentIn.Length; i++) latentIn[i] *= LatentScale;
        var noiseData = noise.Generate(latent with { Samples = samples });
        var contextDim = guider.Model.ContextDim;
        RequireContext(guider.Positive, contextDim);
        if (guider.Negative is { } negative) RequireContext(negative, contextDim);

        IDenoiser denoiser = new GuidedDenoiser(guider.Model, shape, guider.Positive, guider.Negative, guider.Cfg, SamplingMethods.Timestep);
        if (latent.NoiseMask is { } noiseMask)
        {
            var keptNoise = InpaintNoise(sampler.Name, noise.Seed, shape, noiseData);
            denoiser = new InpaintDenoiser(denoiser, latentIn, keptNoise, NoiseMasks.ForLatent(noiseMask, shape));
        }

        var x = SamplingMethods.NoiseScaling(sigmas, noiseData, latentIn);
        var previewer = LatentPreviewer.For(context, guider.Model.Cache);
        float[]? lastDenoised = null;
        var total = sigmas.Length - 1;
        void OnStep(SamplerStep step)
        {
            lastDenoised ??= new float[step.Denoised.Length];
            step.Denoised.Span.CopyTo(lastDenoised);
            context.ReportProgress(step.Index + 1, total, previewer?.Preview(step.Denoised, shape));
        }

        var result = await SamplingMethods.SampleAsync(sampler.Name, denoiser, x, shape, sigmas, noise.Seed, OnStep, ct).ConfigureAwait(false);
        var output = latent with { Samples = Unscale(result, shape) };
        var denoised = lastDenoised is null ? output : latent with { Samples = Unscale(lastDenoised, shape) };
        return (output, denoised);
    }

    /// <summary>
    /// The noise that re-noises the kept (mask 0) part of an inpainting run at each σ (ComfyUI's <c>KSAMPLER.sample</c>): the
    /// initial noise, except for samplers with the "random" inpaint option (<c>ddim</c>), which draw one new tensor of the
    /// latent's shape from <c>torch.manual_seed(seed + 1)</c> (never per batch index) and use it at every step.
    /// </summary>
    internal static float[] InpaintNoise(string sampler, ulong seed, int[] shape, float[] initialNoise) =>
        Samplers.UsesRandomInpaintNoise(sampler)
            // ComfyUI's seed + 1 overflows torch.manual_seed at 2^64 − 1 and fails the prompt; it wraps to 0 here instead.
            ? SamplingMethods.PrepareNoise(unchecked(seed + 1), shape, batchIndex: null)
            : initialNoise;

    private static Tensor Unscale(float[] data, int[] shape)
    {
        var result = new float[data.Length];
        for (var i = 0; i < result.Length; i++) result[i] = data[i] / LatentScale;
        return new Tensor((int[])shape.Clone(), result);
    }

    /// <summary>ComfyUI's <c>fix_empty_latent_channels</c>: an all-zero latent of another channel count becomes zeros of the model's.</summary>
    private static Tensor FixChannels(Tensor samples, int channels)
    {
        if (samples.Rank != 4) throw new InvalidOperationException($"The latent must be [B, C, H, W]; got [{string.Join(", ", samples.Shape)}].");
        if (samples.Shape[1] == channels) return samples;
        if (samples.Span.IndexOfAnyExcept(0f) < 0) return Tensor.Zeros(samples.Shape[0], channels, samples.Shape[2], samples.Shape[3]);
        throw new InvalidOperationException(
            $"The latent has {samples.Shape[1]} channels but this model works on {channels}-channel latents (a latent from a different model family?).");
    }

    private static void RequireContext(IReadOnlyList<Conditionings.ConditioningEntry> entries, int contextDim)
    {
        foreach (var e in entries)
        {
            if (e.Cond.Rank != 3 || e.Cond.Shape[2] != contextDim)
            {
                throw new InvalidOperationException(
                    $"The conditioning is [{string.Join(", ", e.Cond.Shape)}] but this model attends to a context of width {contextDim} (a text encoder from a different model?).");
            }
        }
    }
}
