using ComfySharp.Engine.Nodes;
using ComfySharp.Nodes.Diffusion.Models;

namespace ComfySharp.Nodes.Diffusion.Loaders;

/// <summary><c>VAELoader</c>: an SD VAE file of <c>models/vae</c> (ComfyUI's approximate "taesd" entries are not offered).</summary>
internal sealed class VAELoader(ModelCache cache) : INode
{
    public static NodeSchema Schema { get; } = SchemaFor(null);

    public static NodeSchema SchemaFor(string? folder) => new("VAELoader", "loaders")
    {
        DisplayName = "Load VAE",
        Inputs = [Input.Combo("vae_name", folder is null ? [] : new ModelFileList(folder))],
        Outputs = [DiffusionTypes.Out(DiffusionTypes.Vae)],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var path = ModelFileList.Resolve(cache.Options.Vae, args.String("vae_name"));
        cache.WithVaeFile(path, v => v.Vae.Config);
        return ValueTask.FromResult(NodeOutput.From(new SdVae(cache, path, FromCheckpoint: false)));
    }
}
