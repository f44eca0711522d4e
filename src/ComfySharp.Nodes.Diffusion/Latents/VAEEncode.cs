using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;
using ComfySharp.Nodes.Diffusion.Models;

namespace ComfySharp.Nodes.Diffusion.Latents;

/// <summary><c>VAEEncode</c>: IMAGE → LATENT (the distribution's mean, as ComfyUI; the image is centre-cropped to a multiple of 8).</summary>
internal sealed class VAEEncode : INode
{
    public static NodeSchema Schema { get; } = new("VAEEncode", "latent")
    {
        DisplayName = "VAE Encode",
        Inputs = [Input.Of("pixels", "IMAGE"), DiffusionTypes.In("vae", DiffusionTypes.Vae)],
        Outputs = [DiffusionTypes.Out(DiffusionTypes.Latent)],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var pixels = args.Get<Tensor>("pixels");
        var vae = args.Get<SdVae>("vae");
        return ValueTask.FromResult(NodeOutput.From(new Latent(vae.Encode(pixels, ct))));
    }
}
