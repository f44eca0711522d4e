using ComfySharp.Engine.Nodes;
using ComfySharp.Nodes.Diffusion.Models;

namespace ComfySharp.Nodes.Diffusion.Latents;

/// <summary><c>VAEDecode</c>: LATENT → IMAGE [B, H, W, 3] in 0..1.</summary>
internal sealed class VAEDecode : INode
{
    public static NodeSchema Schema { get; } = new("VAEDecode", "latent")
    {
        DisplayName = "VAE Decode",
        Description = "Decodes latent images back into pixel space images.",
        Inputs =
        [
            DiffusionTypes.In("samples", DiffusionTypes.Latent, "The latent to be decoded."),
            DiffusionTypes.In("vae", DiffusionTypes.Vae, "The VAE model used for decoding the latent."),
        ],
        Outputs = [Output.Of("IMAGE", tooltip: "The decoded image.")],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var latent = args.Get<Latent>("samples");
        var vae = args.Get<SdVae>("vae");
        return ValueTask.FromResult(NodeOutput.From(vae.Decode(latent.Samples, ct)));
    }
}
