using ComfySharp.Engine.Nodes;
using ComfySharp.Nodes.Diffusion.Models;

namespace ComfySharp.Nodes.Diffusion.Loaders;

/// <summary>
/// <c>CheckpointLoaderSimple</c>: loads (or finds in the model cache) a checkpoint of <c>models/checkpoints</c>, checks that it
/// is an SD 1.x model, and outputs its UNet, text encoder and VAE. Loading is where a corrupt file or an unsupported family
/// is reported, with the file's name.
/// </summary>
internal sealed class CheckpointLoaderSimple(ModelCache cache) : INode
{
    public static NodeSchema Schema { get; } = SchemaFor(null);

    public static NodeSchema SchemaFor(string? folder) => new("CheckpointLoaderSimple", "loaders")
    {
        DisplayName = "Load Checkpoint",
        Description = "Loads a diffusion model checkpoint, diffusion models are used to denoise latents.",
        Inputs = [Input.Combo("ckpt_name", folder is null ? [] : new ModelFileList(folder), tooltip: "The name of the checkpoint (model) to load.")],
        Outputs =
        [
            DiffusionTypes.Out(DiffusionTypes.Model, "The model used for denoising latents."),
            DiffusionTypes.Out(DiffusionTypes.Clip, "The CLIP model used for encoding text prompts."),
            DiffusionTypes.Out(DiffusionTypes.Vae, "The VAE model used for encoding and decoding images to and from latent space."),
        ],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var path = ModelFileList.Resolve(cache.Options.Checkpoints, args.String("ckpt_name"));
        var detected = cache.WithCheckpoint(path, c => c.Detected);
        if (detected.Clip is null || detected.Vae is null)
        {
            throw new InvalidOperationException($"'{Path.GetFileName(path)}' holds only a diffusion model (no text encoder or VAE), not a full checkpoint.");
        }
        return ValueTask.FromResult(NodeOutput.From(new SdModel(cache, path), new SdClip(cache, path), new SdVae(cache, path, FromCheckpoint: true)));
    }
}
