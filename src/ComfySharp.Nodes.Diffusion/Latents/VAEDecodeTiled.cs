using ComfySharp.Engine.Nodes;
using ComfySharp.Nodes.Diffusion.Models;

namespace ComfySharp.Nodes.Diffusion.Latents;

/// <summary>
/// <c>VAEDecodeTiled</c>: decodes in overlapping tiles (bounded memory for large images). An overlap above a quarter of the
/// tile is reduced to it; the temporal inputs only matter for video VAEs and are accepted as ComfyUI declares them.
/// </summary>
internal sealed class VAEDecodeTiled : INode
{
    public static NodeSchema Schema { get; } = new("VAEDecodeTiled", "_for_testing")
    {
        DisplayName = "VAE Decode (Tiled)",
        Inputs =
        [
            DiffusionTypes.In("samples", DiffusionTypes.Latent),
            DiffusionTypes.In("vae", DiffusionTypes.Vae),
            Input.Int("tile_size", 512, min: 64, max: 4096, step: 32),
            Input.Int("overlap", 64, min: 0, max: 4096, step: 32),
            Input.Int("temporal_size", 64, min: 8, max: 4096, step: 4, tooltip: "Only used for video VAEs: Amount of frames to decode at a time."),
            Input.Int("temporal_overlap", 8, min: 4, max: 4096, step: 4, tooltip: "Only used for video VAEs: Amount of frames to overlap."),
        ],
        Outputs = [Output.Image()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var latent = args.Get<Latent>("samples");
        var vae = args.Get<SdVae>("vae");
        var tile = (int)args.Int("tile_size");
        var overlap = (int)args.Int("overlap");
        if (tile < overlap * 4) overlap = tile / 4;
        var f = vae.Downscale;
        return ValueTask.FromResult(NodeOutput.From(vae.DecodeTiled(latent.Samples, tile / f, tile / f, overlap / f, ct)));
    }
}
