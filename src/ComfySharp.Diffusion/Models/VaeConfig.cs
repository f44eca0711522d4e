namespace ComfySharp.Diffusion.Models;

/// <summary>
/// The SD KL autoencoder (ComfyUI's <c>ddconfig</c>): <see cref="Channels"/> × <see cref="ChannelMult"/> per level,
/// <see cref="NumResBlocks"/> resnets per encoder level (decoder: one more), one single-head attention in each mid block.
/// <see cref="LinearAttention"/>: some files store the attention projections as [C, C] matrices instead of 1×1 convs.
/// </summary>
internal sealed record VaeConfig(
    int Channels,
    int[] ChannelMult,
    int NumResBlocks,
    int LatentChannels,
    int EmbedDim,
    bool LinearAttention)
{
    /// <summary>Spatial factor between image and latent (2 per downsampling level).</summary>
    public int Downscale => 1 << (ChannelMult.Length - 1);
}
