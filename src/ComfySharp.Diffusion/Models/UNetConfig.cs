namespace ComfySharp.Diffusion.Models;

/// <summary>
/// An SD 1.x-architecture UNet as read from a checkpoint (ComfyUI's <c>unet_config</c> names). Level i has
/// <see cref="NumResBlocks"/> resnet blocks of <c>ModelChannels * ChannelMult[i]</c> channels, each followed by a
/// spatial transformer of <c>AttentionDepth[i]</c> blocks when that is above zero; all levels but the last end in a
/// stride-2 downsample. The output side mirrors it with one more block per level.
/// </summary>
internal sealed record UNetConfig(
    int InChannels,
    int OutChannels,
    int ModelChannels,
    int[] ChannelMult,
    int NumResBlocks,
    int[] AttentionDepth,
    int MiddleAttentionDepth,
    int ContextDim,
    int NumHeads)
{
    /// <summary>Width of the timestep embedding MLP (4 × model channels in every SD UNet).</summary>
    public int TimeEmbedDim => ModelChannels * 4;
}
