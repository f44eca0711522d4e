using ComfySharp.Diffusion.Lora;
using ComfySharp.Engine.Nodes;
using ComfySharp.Nodes.Diffusion.Models;

namespace ComfySharp.Nodes.Diffusion.Loaders;

/// <summary><c>LoraLoaderModelOnly</c>: <see cref="LoraLoader"/> for the diffusion model alone (text-encoder keys are not loaded).</summary>
internal sealed class LoraLoaderModelOnly(ModelCache cache) : INode
{
    public static NodeSchema Schema { get; } = SchemaFor(null);

    public static NodeSchema SchemaFor(string? folder) => new("LoraLoaderModelOnly", "loaders")
    {
        Description = "LoRAs are used to modify diffusion and CLIP models, altering the way in which latents are denoised such as applying styles. Multiple LoRA nodes can be linked together.",
        Inputs =
        [
            DiffusionTypes.In("model", DiffusionTypes.Model),
            LoraLoader.LoraName(folder),
            Input.Float("strength_model", 1.0, min: -100, max: 100, step: 0.01m),
        ],
        Outputs = [DiffusionTypes.Out(DiffusionTypes.Model)],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var model = args.Get<SdModel>("model");
        var strength = args.Float("strength_model");
        if (strength == 0) return ValueTask.FromResult(NodeOutput.From(model));
        var path = ModelFileList.Resolve(cache.Options.Loras, args.String("lora_name"));
        LoraLoader.Report(context, LoraLoader.Check(cache, path, model.Path, LoraTarget.UNet, clipPath: null));
        return ValueTask.FromResult(NodeOutput.From(model with { Loras = [.. model.Loras, new LoraRef(path, strength)] }));
    }
}
