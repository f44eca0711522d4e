namespace ComfySharp.Diffusion.Sampling;

/// <summary>
/// How ComfyUI's KSampler, KSamplerAdvanced and the custom-sampling sigma nodes turn (scheduler, steps, denoise,
/// start/end step) into the sigmas a sampler runs over.
/// </summary>
public static class SigmaPlanning
{
    /// <summary>
    /// KSampler.calculate_sigmas: the scheduler's sigmas, except that for dpm_2, dpm_2_ancestral, uni_pc and
    /// uni_pc_bh2 one extra step is scheduled and the second-to-last sigma dropped (ComfyUI's
    /// DISCARD_PENULTIMATE_SIGMA_SAMPLERS).
    /// </summary>
    public static float[] ForSampler(ModelSamplingDiscrete modelSampling, string scheduler, string sampler, int steps)
    {
        if (sampler is not ("dpm_2" or "dpm_2_ancestral" or "uni_pc" or "uni_pc_bh2")) return Schedulers.Compute(scheduler, modelSampling, steps);
        var sigmas = Schedulers.Compute(scheduler, modelSampling, steps + 1);
        if (sigmas.Length < 2) return sigmas;
        return [.. sigmas.AsSpan(0, sigmas.Length - 2), sigmas[^1]];
    }

    /// <summary>
    /// KSampler.set_steps: with <paramref name="denoise"/> ≥ 0.9999 the full schedule; with 0 &lt; denoise &lt; 1,
    /// int(steps/denoise) steps are scheduled and the last steps + 1 sigmas kept; denoise ≤ 0 gives no sigmas (the
    /// latent passes through unchanged).
    /// </summary>
    public static float[] ForKSampler(ModelSamplingDiscrete modelSampling, string scheduler, string sampler, int steps, double denoise)
    {
        if (denoise > 0.9999) return ForSampler(modelSampling, scheduler, sampler, steps);
        if (denoise <= 0) return [];
        var sigmas = ForSampler(modelSampling, scheduler, sampler, (int)(steps / denoise));
        return Tail(sigmas, steps + 1);
    }

    /// <summary>BasicScheduler: like <see cref="ForKSampler"/> but without the sampler-specific extra step.</summary>
    public static float[] ForBasicScheduler(ModelSamplingDiscrete modelSampling, string scheduler, int steps, double denoise)
    {
        if (denoise >= 1) return Schedulers.Compute(scheduler, modelSampling, steps);
        if (denoise <= 0) return [];
        return Tail(Schedulers.Compute(scheduler, modelSampling, (int)(steps / denoise)), steps + 1);
    }

    /// <summary>
    /// KSampler.sample's step window (KSamplerAdvanced's start_at_step / end_at_step): cut after
    /// <paramref name="lastStep"/> (setting the last sigma to 0 when <paramref name="forceFullDenoise"/>), then drop the
    /// first <paramref name="startStep"/>. Returns null when the start lies at or past the end: nothing to sample, the
    /// latent is returned as it is.
    /// </summary>
    public static float[]? Window(float[] sigmas, int? startStep, int? lastStep, bool forceFullDenoise)
    {
        if (lastStep is { } last && last < sigmas.Length - 1)
        {
            sigmas = sigmas[..(Math.Max(last, -1) + 1)];
            if (forceFullDenoise && sigmas.Length > 0) sigmas[^1] = 0;
        }
        if (startStep is { } start)
        {
            if (start < sigmas.Length - 1) return sigmas[Math.Max(start, 0)..];
            return null;
        }
        return sigmas;
    }

    /// <summary>SplitSigmas: the first <paramref name="step"/> + 1 sigmas and the rest from <paramref name="step"/> on (they share one).</summary>
    public static (float[] High, float[] Low) Split(float[] sigmas, int step)
    {
        var cut = Math.Clamp(step, 0, sigmas.Length);
        return (sigmas[..Math.Min(cut + 1, sigmas.Length)], sigmas[cut..]);
    }

    /// <summary>FlipSigmas: reversed, with a leading 0 replaced by 0.0001.</summary>
    public static float[] Flip(float[] sigmas)
    {
        if (sigmas.Length == 0) return [];
        var flipped = sigmas.Reverse().ToArray();
        if (flipped[0] == 0) flipped[0] = 0.0001f;
        return flipped;
    }

    private static float[] Tail(float[] sigmas, int count) => sigmas.Length <= count ? sigmas : sigmas[^count..];
}
