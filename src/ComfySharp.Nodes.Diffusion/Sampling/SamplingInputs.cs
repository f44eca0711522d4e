using ComfySharp.Engine.Nodes;
using ComfySharp.Nodes.Diffusion.Conditionings;
using ComfySharp.Nodes.Diffusion.Latents;
using ComfySharp.Nodes.Diffusion.Models;

namespace ComfySharp.Nodes.Diffusion.Sampling;

/// <summary>The inputs the sampling nodes share, with ComfyUI's options, and the KSampler path they share.</summary>
internal static class SamplingInputs
{
    public const decimal MaxSeed = ulong.MaxValue;
    public const string CustomSamplingModule = "comfy_extras.nodes_custom_sampler";

    public static InputSpec Seed(string name, string? tooltip = null) =>
        Input.Int(name, 0, min: 0, max: MaxSeed, tooltip: tooltip, controlAfterGenerate: true);

    public static InputSpec Steps(string? tooltip = null) => Input.Int("steps", 20, min: 1, max: 10000, tooltip: tooltip);

    public static InputSpec Cfg(bool withTooltip = true) => Input.Float("cfg", 8.0, min: 0, max: 100, step: 0.1m, round: 0.01,
        tooltip: withTooltip
            ? "The Classifier-Free Guidance scale balances creativity and adherence to the prompt. Higher values result in images more closely matching the prompt however too high values will negatively impact quality."
            : null);

    public static InputSpec SamplerName(bool withTooltip = true) => Input.Combo("sampler_name", SamplingMethods.SamplerNames,
        tooltip: withTooltip ? "The algorithm used when sampling, this can affect the quality, speed, and style of the generated output." : null);

    public static InputSpec Scheduler(bool withTooltip = true) => Input.Combo("scheduler", SamplingMethods.SchedulerNames,
        tooltip: withTooltip ? "The scheduler controls how noise is gradually removed to form the image." : null);

    /// <summary>Seeds reach 2^64 − 1; the engine hands them over as the same 64 bits in a long.</summary>
    public static ulong SeedOf(NodeArgs args, string name) => unchecked((ulong)args.Int(name));

    /// <summary>ComfyUI's <c>common_ksampler</c> + <c>KSampler.sample</c>: σs for the steps and denoise, cut to the step window.</summary>
    public static async Task<Latent> CommonKSampler(SdModel model, ulong seed, bool addNoise, int steps, double cfg, string samplerName,
        string scheduler, IReadOnlyList<ConditioningEntry> positive, IReadOnlyList<ConditioningEntry> negative, Latent latent, double denoise,
        int? startStep, int? lastStep, bool forceFullDenoise, NodeContext context, CancellationToken ct)
    {
        var sigmas = SamplingMethods.Plan(SamplingMethods.KSamplerSigmas(scheduler, samplerName, steps, denoise), startStep, lastStep, forceFullDenoise);
        if (sigmas is null) return latent;
        var guider = new GuiderValue(model, positive, negative, cfg);
        var noise = addNoise ? NoiseValue.Random(seed) : NoiseValue.None with { Seed = seed };
        var (output, _) = await SamplingRun.SampleAsync(guider, noise, new SamplerValue(samplerName), sigmas, latent, context, ct).ConfigureAwait(false);
        return output;
    }
}
