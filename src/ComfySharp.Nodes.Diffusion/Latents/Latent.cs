using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Diffusion.Latents;

/// <summary>
/// ComfyUI's LATENT dict: <c>samples</c> [B, C, H/8, W/8] plus the optional <c>noise_mask</c> and <c>batch_index</c>
/// (which latent of the original batch each entry is; sampling uses it to draw the same noise).
/// </summary>
public sealed record Latent(Tensor Samples, Tensor? NoiseMask = null, IReadOnlyList<long>? BatchIndex = null)
{
    public int Batch => Samples.Shape[0];
}
