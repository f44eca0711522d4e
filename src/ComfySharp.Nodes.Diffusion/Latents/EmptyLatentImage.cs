using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Diffusion.Latents;

/// <summary><c>EmptyLatentImage</c>: zeros [batch, 4, height/8, width/8] (SD 1.x latents have 4 channels).</summary>
internal sealed class EmptyLatentImage : INode
{
    public static NodeSchema Schema { get; } = new("EmptyLatentImage", "latent")
    {
        DisplayName = "Empty Latent Image",
        Description = "Create a new batch of empty latent images to be denoised via sampling.",
        Inputs =
        [
            Input.Int("width", 512, min: 16, max: Input.MaxResolution, step: 8, tooltip: "The width of the latent images in pixels."),
            Input.Int("height", 512, min: 16, max: Input.MaxResolution, step: 8, tooltip: "The height of the latent images in pixels."),
            Input.Int("batch_size", 1, min: 1, max: 4096, tooltip: "The number of latent images in the batch."),
        ],
        Outputs = [DiffusionTypes.Out(DiffusionTypes.Latent, "The empty latent image batch.")],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var width = (int)args.Int("width");
        var height = (int)args.Int("height");
        var batch = (int)args.Int("batch_size");
        long elements = (long)batch * 4 * (height / 8) * (width / 8);
        if (elements > Array.MaxLength) throw new InvalidOperationException($"A latent of {batch}×4×{height / 8}×{width / 8} is too large.");
        return ValueTask.FromResult(NodeOutput.From(new Latent(Tensor.Zeros(batch, 4, height / 8, width / 8))));
    }
}
