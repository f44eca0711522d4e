using ComfySharp.Nodes.Diffusion.Conditionings;
using ComfySharp.Nodes.Diffusion.Models;

namespace ComfySharp.Nodes.Diffusion.Sampling;

/// <summary>SAMPLER: a sampling method by its ComfyUI name (KSamplerSelect).</summary>
public sealed record SamplerValue(string Name)
{
    public override string ToString() => $"sampler {Name}";
}

/// <summary>GUIDER: the model with its conditioning and guidance; <see cref="Negative"/> is null for BasicGuider (no CFG).</summary>
public sealed record GuiderValue(SdModel Model, IReadOnlyList<ConditioningEntry> Positive, IReadOnlyList<ConditioningEntry>? Negative, double Cfg)
{
    public override string ToString() => Negative is null ? "basic guider" : $"CFG guider (cfg {Cfg})";
}
