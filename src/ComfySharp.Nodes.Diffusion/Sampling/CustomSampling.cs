using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;
using ComfySharp.Nodes.Diffusion.Conditionings;
using ComfySharp.Nodes.Diffusion.Latents;
using ComfySharp.Nodes.Diffusion.Models;

namespace ComfySharp.Nodes.Diffusion.Sampling;

/// <summary>SIGMAS values are 1-D tensors, as in ComfyUI.</summary>
internal static class Sigmas
{
    public static Tensor Of(float[] sigmas) => new([sigmas.Length], sigmas);

    public static float[] From(NodeArgs args, string name = "sigmas")
    {
        var t = args.Get<Tensor>(name);
        if (t.Rank != 1) throw new InvalidOperationException($"SIGMAS must be a 1-D list of noise levels; got [{string.Join(", ", t.Shape)}].");
        return t.Span.ToArray();
    }
}

/// <summary><c>KSamplerSelect</c>: a sampler by name.</summary>
internal sealed class KSamplerSelect : INode
{
    public static NodeSchema Schema { get; } = new("KSamplerSelect", "sampling/custom_sampling/samplers")
    {
        PythonModule = SamplingInputs.CustomSamplingModule,
        Inputs = [Input.Combo("sampler_name", SamplingMethods.SamplerNames)],
        Outputs = [DiffusionTypes.Out(DiffusionTypes.Sampler)],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(new SamplerValue(args.String("sampler_name"))));
}

/// <summary><c>BasicScheduler</c>: the model's σs for a scheduler; with denoise &lt; 1 the last <c>steps</c> + 1 of a longer schedule.</summary>
internal sealed class BasicScheduler : INode
{
    public static NodeSchema Schema { get; } = new("BasicScheduler", "sampling/custom_sampling/schedulers")
    {
        PythonModule = SamplingInputs.CustomSamplingModule,
        Inputs =
        [
            DiffusionTypes.In("model", DiffusionTypes.Model),
            Input.Combo("scheduler", SamplingMethods.SchedulerNames),
            Input.Int("steps", 20, min: 1, max: 10000),
            Input.Float("denoise", 1.0, min: 0, max: 1, step: 0.01m),
        ],
        Outputs = [DiffusionTypes.Out(DiffusionTypes.Sigmas)],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        _ = args.Get<SdModel>("model");
        var sigmas = SamplingMethods.Sigmas(args.String("scheduler"), (int)args.Int("steps"), args.Float("denoise"));
        return ValueTask.FromResult(NodeOutput.From(Sigmas.Of(sigmas)));
    }
}

/// <summary><c>KarrasScheduler</c>: Karras et al.'s σs between <c>sigma_max</c> and <c>sigma_min</c> with exponent <c>rho</c>.</summary>
internal sealed class KarrasScheduler : INode
{
    public static NodeSchema Schema { get; } = new("KarrasScheduler", "sampling/custom_sampling/schedulers")
    {
        PythonModule = SamplingInputs.CustomSamplingModule,
        Inputs =
        [
            Input.Int("steps", 20, min: 1, max: 10000),
            Input.Float("sigma_max", 14.614642, min: 0, max: 5000, step: 0.01m, round: false),
            Input.Float("sigma_min", 0.0291675, min: 0, max: 5000, step: 0.01m, round: false),
            Input.Float("rho", 7.0, min: 0, max: 100, step: 0.01m, round: false),
        ],
        Outputs = [DiffusionTypes.Out(DiffusionTypes.Sigmas)],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(Sigmas.Of(SamplingMethods.Karras(
            (int)args.Int("steps"), args.Float("sigma_min"), args.Float("sigma_max"), args.Float("rho")))));
}

/// <summary><c>ExponentialScheduler</c>: σs evenly spaced in log σ from <c>sigma_max</c> to <c>sigma_min</c>, then 0.</summary>
internal sealed class ExponentialScheduler : INode
{
    public static NodeSchema Schema { get; } = new("ExponentialScheduler", "sampling/custom_sampling/schedulers")
    {
        PythonModule = SamplingInputs.CustomSamplingModule,
        Inputs =
        [
            Input.Int("steps", 20, min: 1, max: 10000),
            Input.Float("sigma_max", 14.614642, min: 0, max: 5000, step: 0.01m, round: false),
            Input.Float("sigma_min", 0.0291675, min: 0, max: 5000, step: 0.01m, round: false),
        ],
        Outputs = [DiffusionTypes.Out(DiffusionTypes.Sigmas)],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(Sigmas.Of(SamplingMethods.Exponential(
            (int)args.Int("steps"), args.Float("sigma_min"), args.Float("sigma_max")))));
}

/// <summary><c>SplitSigmas</c>: σs[..step+1] and σs[step..] (the two halves share σs[step]).</summary>
internal sealed class SplitSigmas : INode
{
    public static NodeSchema Schema { get; } = new("SplitSigmas", "sampling/custom_sampling/sigmas")
    {
        PythonModule = SamplingInputs.CustomSamplingModule,
        Inputs = [DiffusionTypes.In("sigmas", DiffusionTypes.Sigmas), Input.Int("step", 0, min: 0, max: 10000)],
        Outputs = [Output.Of(DiffusionTypes.Sigmas, "high_sigmas"), Output.Of(DiffusionTypes.Sigmas, "low_sigmas")],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var sigmas = Sigmas.From(args);
        var (high, low) = SamplingMethods.Split(sigmas, (int)Math.Min(args.Int("step"), int.MaxValue - 1));
        return ValueTask.FromResult(NodeOutput.From(Sigmas.Of(high), Sigmas.Of(low)));
    }
}

/// <summary><c>FlipSigmas</c>: the σs reversed; a leading 0 becomes 0.0001 (ComfyUI's guard against a zero first σ).</summary>
internal sealed class FlipSigmas : INode
{
    public static NodeSchema Schema { get; } = new("FlipSigmas", "sampling/custom_sampling/sigmas")
    {
        PythonModule = SamplingInputs.CustomSamplingModule,
        Inputs = [DiffusionTypes.In("sigmas", DiffusionTypes.Sigmas)],
        Outputs = [DiffusionTypes.Out(DiffusionTypes.Sigmas)],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        return ValueTask.FromResult(NodeOutput.From(Sigmas.Of(SamplingMethods.Flip(Sigmas.From(args)))));
    }
}

/// <summary><c>RandomNoise</c>: NOISE from a seed.</summary>
internal sealed class RandomNoise : INode
{
    public static NodeSchema Schema { get; } = new("RandomNoise", "sampling/custom_sampling/noise")
    {
        PythonModule = SamplingInputs.CustomSamplingModule,
        Inputs = [SamplingInputs.Seed("noise_seed")],
        Outputs = [DiffusionTypes.Out(DiffusionTypes.Noise)],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(NoiseValue.Random(SamplingInputs.SeedOf(args, "noise_seed"))));
}

/// <summary><c>DisableNoise</c>: NOISE of zeros (sampling starts from the latent itself).</summary>
internal sealed class DisableNoise : INode
{
    public static NodeSchema Schema { get; } = new("DisableNoise", "sampling/custom_sampling/noise")
    {
        PythonModule = SamplingInputs.CustomSamplingModule,
        Outputs = [DiffusionTypes.Out(DiffusionTypes.Noise)],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(NoiseValue.None));
}

/// <summary><c>CFGGuider</c>: the model with positive and negative conditioning and a CFG scale.</summary>
internal sealed class CFGGuider : INode
{
    public static NodeSchema Schema { get; } = new("CFGGuider", "sampling/custom_sampling/guiders")
    {
        PythonModule = SamplingInputs.CustomSamplingModule,
        Inputs =
        [
            DiffusionTypes.In("model", DiffusionTypes.Model),
            DiffusionTypes.In("positive", DiffusionTypes.Conditioning),
            DiffusionTypes.In("negative", DiffusionTypes.Conditioning),
            Input.Float("cfg", 8.0, min: 0, max: 100, step: 0.1m, round: 0.01),
        ],
        Outputs = [DiffusionTypes.Out(DiffusionTypes.Guider)],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(new GuiderValue(args.Get<SdModel>("model"), args.Get<IReadOnlyList<ConditioningEntry>>("positive"),
            args.Get<IReadOnlyList<ConditioningEntry>>("negative"), args.Float("cfg"))));
}

/// <summary><c>BasicGuider</c>: the model with one conditioning and no guidance.</summary>
internal sealed class BasicGuider : INode
{
    public static NodeSchema Schema { get; } = new("BasicGuider", "sampling/custom_sampling/guiders")
    {
        PythonModule = SamplingInputs.CustomSamplingModule,
        Inputs = [DiffusionTypes.In("model", DiffusionTypes.Model), DiffusionTypes.In("conditioning", DiffusionTypes.Conditioning)],
        Outputs = [DiffusionTypes.Out(DiffusionTypes.Guider)],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(new GuiderValue(args.Get<SdModel>("model"), args.Get<IReadOnlyList<ConditioningEntry>>("conditioning"), null, 1.0)));
}

/// <summary><c>SamplerCustom</c>: CFG sampling with a given sampler and σs; outputs the result and the last denoised estimate.</summary>
internal sealed class SamplerCustom : INode
{
    public static NodeSchema Schema { get; } = new("SamplerCustom", "sampling/custom_sampling")
    {
        PythonModule = SamplingInputs.CustomSamplingModule,
        Inputs =
        [
            DiffusionTypes.In("model", DiffusionTypes.Model),
            Input.Boolean("add_noise", true),
            SamplingInputs.Seed("noise_seed"),
            Input.Float("cfg", 8.0, min: 0, max: 100, step: 0.1m, round: 0.01),
            DiffusionTypes.In("positive", DiffusionTypes.Conditioning),
            DiffusionTypes.In("negative", DiffusionTypes.Conditioning),
            DiffusionTypes.In("sampler", DiffusionTypes.Sampler),
            DiffusionTypes.In("sigmas", DiffusionTypes.Sigmas),
            DiffusionTypes.In("latent_image", DiffusionTypes.Latent),
        ],
        Outputs = [Output.Of(DiffusionTypes.Latent, "output"), Output.Of(DiffusionTypes.Latent, "denoised_output")],
    };

    public async ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var seed = SamplingInputs.SeedOf(args, "noise_seed");
        var noise = args.Bool("add_noise") ? NoiseValue.Random(seed) : NoiseValue.None with { Seed = seed };
        var guider = new GuiderValue(args.Get<SdModel>("model"), args.Get<IReadOnlyList<ConditioningEntry>>("positive"),
            args.Get<IReadOnlyList<ConditioningEntry>>("negative"), args.Float("cfg"));
        var (output, denoised) = await SamplingRun.SampleAsync(guider, noise, args.Get<SamplerValue>("sampler"), Sigmas.From(args),
            args.Get<Latent>("latent_image"), context, ct).ConfigureAwait(false);
        return NodeOutput.From(output, denoised);
    }
}

/// <summary><c>SamplerCustomAdvanced</c>: sampling from NOISE, GUIDER, SAMPLER and SIGMAS nodes.</summary>
internal sealed class SamplerCustomAdvanced : INode
{
    public static NodeSchema Schema { get; } = new("SamplerCustomAdvanced", "sampling/custom_sampling")
    {
        PythonModule = SamplingInputs.CustomSamplingModule,
        Inputs =
        [
            DiffusionTypes.In("noise", DiffusionTypes.Noise),
            DiffusionTypes.In("guider", DiffusionTypes.Guider),
            DiffusionTypes.In("sampler", DiffusionTypes.Sampler),
            DiffusionTypes.In("sigmas", DiffusionTypes.Sigmas),
            DiffusionTypes.In("latent_image", DiffusionTypes.Latent),
        ],
        Outputs = [Output.Of(DiffusionTypes.Latent, "output"), Output.Of(DiffusionTypes.Latent, "denoised_output")],
    };

    public async ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var (output, denoised) = await SamplingRun.SampleAsync(args.Get<GuiderValue>("guider"), args.Get<NoiseValue>("noise"),
            args.Get<SamplerValue>("sampler"), Sigmas.From(args), args.Get<Latent>("latent_image"), context, ct).ConfigureAwait(false);
        return NodeOutput.From(output, denoised);
    }
}
