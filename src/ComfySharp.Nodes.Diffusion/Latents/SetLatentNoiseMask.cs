using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Diffusion.Latents;

/// <summary>
/// <c>SetLatentNoiseMask</c>: the latent keeps its samples and gets the mask as <c>noise_mask</c> [B, 1, H, W]; sampling then
/// only changes where the mask is above 0 (scaled to the latent's size when sampling starts).
/// </summary>
internal sealed class SetLatentNoiseMask : INode
{
    public static NodeSchema Schema { get; } = new("SetLatentNoiseMask", "latent/inpaint")
    {
        DisplayName = "Set Latent Noise Mask",
        Inputs = [DiffusionTypes.In("samples", DiffusionTypes.Latent), Input.Of("mask", "MASK")],
        Outputs = [DiffusionTypes.Out(DiffusionTypes.Latent)],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var latent = args.Get<Latent>("samples");
        var mask = NoiseMasks.AsBatch(args.Get<Tensor>("mask"));
        return ValueTask.FromResult(NodeOutput.From(latent with { NoiseMask = mask }));
    }
}
