using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;
using ComfySharp.Nodes.Diffusion.Models;

namespace ComfySharp.Nodes.Diffusion.Latents;

/// <summary><c>VAEEncodeTiled</c>: encodes in overlapping tiles of <c>tile_size</c> pixels; temporal inputs as in ComfyUI (video only).</summary>
internal sealed class VAEEncodeTiled : INode
{
    public static NodeSchema Schema { get; } = new("VAEEncodeTiled", "_for_testing")
    {
        DisplayName = "VAE Encode (Tiled)",
        Inputs =
        [
            Input.Of("pixels", "IMAGE"),
            DiffusionTypes.In("vae", DiffusionTypes.Vae),
            Input.Int("tile_size", 512, min: 64, max: 4096, step: 64),
            Input.Int("overlap", 64, min: 0, max: 4096, step: 32),
            Input.Int("temporal_size", 64, min: 8, max: 4096, step: 4, tooltip: "Only used for video VAEs: Amount of frames to encode at a time."),
            Input.Int("temporal_overlap", 8, min: 4, max: 4096, step: 4, tooltip: "Only used for video VAEs: Amount of frames to overlap."),
        ],
        Outputs = [DiffusionTypes.Out(DiffusionTypes.Latent)],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var pixels = args.Get<Tensor>("pixels");
        var vae = args.Get<SdVae>("vae");
        var tile = (int)args.Int("tile_size");
        var samples = vae.EncodeTiled(pixels, tile, tile, (int)args.Int("overlap"), ct);
        return ValueTask.FromResult(NodeOutput.From(new Latent(samples)));
    }
}
