using ComfySharp.Nodes.Diffusion.Latents;

namespace ComfySharp.Nodes.Diffusion.Sampling;

/// <summary>
/// NOISE: the initial noise of a sampling run (RandomNoise, or DisableNoise's zeros). Random noise is ComfyUI's
/// <c>prepare_noise</c>: <c>torch.manual_seed(seed)</c> then <c>torch.randn</c> of the latent's shape, or, when the latent
/// carries <c>batch_index</c>, one [1, C, H, W] draw per index up to the largest so a latent taken from a batch gets the
/// noise it had in the batch.
/// </summary>
public sealed record NoiseValue(ulong Seed, bool Disabled)
{
    public static NoiseValue Random(ulong seed) => new(seed, false);

    public static NoiseValue None { get; } = new(0, true);

    public float[] Generate(Latent latent) =>
        Disabled ? new float[latent.Samples.Length] : SamplingMethods.PrepareNoise(Seed, latent.Samples.Shape, latent.BatchIndex);

    public override string ToString() => Disabled ? "no noise" : $"noise (seed {Seed})";
}
