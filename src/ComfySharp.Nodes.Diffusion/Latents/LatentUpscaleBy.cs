using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Diffusion.Latents;

/// <summary><c>LatentUpscaleBy</c>: each side times <c>scale_by</c>, rounded (Python's round, half to even), no crop.</summary>
internal sealed class LatentUpscaleBy : INode
{
    public static NodeSchema Schema { get; } = new("LatentUpscaleBy", "latent")
    {
        DisplayName = "Upscale Latent By",
        Inputs =
        [
            DiffusionTypes.In("samples", DiffusionTypes.Latent),
            Input.Combo("upscale_method", LatentResize.Methods),
            Input.Float("scale_by", 1.5, min: 0.01m, max: 8.0m, step: 0.01m),
        ],
        Outputs = [DiffusionTypes.Out(DiffusionTypes.Latent)],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var latent = args.Get<Latent>("samples");
        var scale = args.Float("scale_by");
        var s = latent.Samples;
        var width = (int)Math.Round(s.Shape[3] * scale, MidpointRounding.ToEven);
        var height = (int)Math.Round(s.Shape[2] * scale, MidpointRounding.ToEven);
        var resized = LatentResize.Upscale(s, width, height, args.String("upscale_method"), "disabled");
        return ValueTask.FromResult(NodeOutput.From(latent with { Samples = resized }));
    }
}
