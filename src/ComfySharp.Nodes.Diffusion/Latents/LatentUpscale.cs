using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Diffusion.Latents;

/// <summary>
/// <c>LatentUpscale</c>: to width/8 × height/8. Width and height 0 keep the latent; one of them 0 keeps the aspect ratio;
/// both are at least 64 otherwise (ComfyUI's rules). The noise mask and batch index are kept as they are, as in ComfyUI.
/// </summary>
internal sealed class LatentUpscale : INode
{
    public static NodeSchema Schema { get; } = new("LatentUpscale", "latent")
    {
        DisplayName = "Upscale Latent",
        Inputs =
        [
            DiffusionTypes.In("samples", DiffusionTypes.Latent),
            Input.Combo("upscale_method", LatentResize.Methods),
            Input.Int("width", 512, min: 0, max: Input.MaxResolution, step: 8),
            Input.Int("height", 512, min: 0, max: Input.MaxResolution, step: 8),
            Input.Combo("crop", LatentResize.CropMethods),
        ],
        Outputs = [DiffusionTypes.Out(DiffusionTypes.Latent)],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var latent = args.Get<Latent>("samples");
        long width = args.Int("width"), height = args.Int("height");
        if (width == 0 && height == 0) return ValueTask.FromResult(NodeOutput.From(latent));
        var s = latent.Samples;
        if (width == 0)
        {
            height = Math.Max(64, height);
            width = Math.Max(64, (long)Math.Round((double)s.Shape[3] * height / s.Shape[2], MidpointRounding.ToEven));
        }
        else if (height == 0)
        {
            width = Math.Max(64, width);
            height = Math.Max(64, (long)Math.Round((double)s.Shape[2] * width / s.Shape[3], MidpointRounding.ToEven));
        }
        else
        {
            width = Math.Max(64, width);
            height = Math.Max(64, height);
        }
        var resized = LatentResize.Upscale(s, (int)(width / 8), (int)(height / 8), args.String("upscale_method"), args.String("crop"));
        return ValueTask.FromResult(NodeOutput.From(latent with { Samples = resized }));
    }
}
