using ComfySharp.Engine.Nodes;
using ComfySharp.Nodes.Diffusion.Conditionings;
using ComfySharp.Nodes.Diffusion.Latents;
using ComfySharp.Nodes.Diffusion.Models;

namespace ComfySharp.Nodes.Diffusion.Sampling;

/// <summary>
/// <c>KSampler</c>: noise from the seed, σs from the scheduler (with <c>denoise</c> &lt; 1 the last steps of a longer schedule),
/// CFG with the positive and negative conditioning, the named sampler. ComfyUI's <c>common_ksampler</c>.
/// </summary>
internal sealed class KSampler : INode
{
    public static NodeSchema Schema { get; } = new("KSampler", "sampling")
    {
        DisplayName = "KSampler",
        Description = "Uses the provided model, positive and negative conditioning to denoise the latent image.",
        Inputs =
        [
            DiffusionTypes.In("model", DiffusionTypes.Model, "The model used for denoising the input latent."),
            SamplingInputs.Seed("seed", "The random seed used for creating the noise."),
            SamplingInputs.Steps("The number of steps used in the denoising process."),
            SamplingInputs.Cfg(),
            SamplingInputs.SamplerName(),
            SamplingInputs.Scheduler(),
            DiffusionTypes.In("positive", DiffusionTypes.Conditioning, "The conditioning describing the attributes you want to include in the image."),
            DiffusionTypes.In("negative", DiffusionTypes.Conditioning, "The conditioning describing the attributes you want to exclude from the image."),
            DiffusionTypes.In("latent_image", DiffusionTypes.Latent, "The latent image to denoise."),
            Input.Float("denoise", 1.0, min: 0, max: 1, step: 0.01m,
                tooltip: "The amount of denoising applied, lower values will maintain the structure of the initial image allowing for image to image sampling."),
        ],
        Outputs = [DiffusionTypes.Out(DiffusionTypes.Latent, "The denoised latent.")],
    };

    public async ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var latent = await SamplingInputs.CommonKSampler(args.Get<SdModel>("model"), SamplingInputs.SeedOf(args, "seed"), addNoise: true,
            (int)args.Int("steps"), args.Float("cfg"), args.String("sampler_name"), args.String("scheduler"),
            args.Get<IReadOnlyList<ConditioningEntry>>("positive"), args.Get<IReadOnlyList<ConditioningEntry>>("negative"),
            args.Get<Latent>("latent_image"), args.Float("denoise"), startStep: null, lastStep: null, forceFullDenoise: false, context, ct).ConfigureAwait(false);
        return NodeOutput.From(latent);
    }
}

/// <summary>
/// <c>KSamplerAdvanced</c>: KSampler over a window of the schedule (<c>start_at_step</c>..<c>end_at_step</c>), with noise
/// optional and, unless <c>return_with_leftover_noise</c>, the last σ of a cut schedule forced to 0.
/// </summary>
internal sealed class KSamplerAdvanced : INode
{
    public static NodeSchema Schema { get; } = new("KSamplerAdvanced", "sampling")
    {
        DisplayName = "KSampler (Advanced)",
        Inputs =
        [
            DiffusionTypes.In("model", DiffusionTypes.Model),
            Input.Combo("add_noise", ["enable", "disable"]),
            SamplingInputs.Seed("noise_seed"),
            SamplingInputs.Steps(),
            SamplingInputs.Cfg(withTooltip: false),
            SamplingInputs.SamplerName(withTooltip: false),
            SamplingInputs.Scheduler(withTooltip: false),
            DiffusionTypes.In("positive", DiffusionTypes.Conditioning),
            DiffusionTypes.In("negative", DiffusionTypes.Conditioning),
            DiffusionTypes.In("latent_image", DiffusionTypes.Latent),
            Input.Int("start_at_step", 0, min: 0, max: 10000),
            Input.Int("end_at_step", 10000, min: 0, max: 10000),
            Input.Combo("return_with_leftover_noise", ["disable", "enable"]),
        ],
        Outputs = [DiffusionTypes.Out(DiffusionTypes.Latent)],
    };

    public async ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var latent = await SamplingInputs.CommonKSampler(args.Get<SdModel>("model"), SamplingInputs.SeedOf(args, "noise_seed"),
            addNoise: args.String("add_noise") != "disable", (int)args.Int("steps"), args.Float("cfg"), args.String("sampler_name"),
            args.String("scheduler"), args.Get<IReadOnlyList<ConditioningEntry>>("positive"), args.Get<IReadOnlyList<ConditioningEntry>>("negative"),
            args.Get<Latent>("latent_image"), 1.0, (int)args.Int("start_at_step"), (int)args.Int("end_at_step"),
            forceFullDenoise: args.String("return_with_leftover_noise") != "enable", context, ct).ConfigureAwait(false);
        return NodeOutput.From(latent);
    }
}
