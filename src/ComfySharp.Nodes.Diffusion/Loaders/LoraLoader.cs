using ComfySharp.Diffusion.Lora;
using ComfySharp.Diffusion.Safetensors;
using ComfySharp.Engine.Nodes;
using ComfySharp.Nodes.Diffusion.Models;

namespace ComfySharp.Nodes.Diffusion.Loaders;

/// <summary>
/// <c>LoraLoader</c>: adds a LoRA of <c>models/loras</c> to a MODEL and a CLIP. The file is read and checked against the
/// checkpoint here (a corrupt file, an unsupported format or tensors that do not fit are errors of this node; names that
/// match no weight are reported as ComfyUI logs them, "lora key not loaded: …"); the merge itself happens when the
/// patched model is first used (see <see cref="ModelCache"/>). Both strengths 0 return the inputs untouched without
/// reading the file, as ComfyUI does; a strength of 0 leaves that side unpatched.
/// </summary>
internal sealed class LoraLoader(ModelCache cache) : INode
{
    public static NodeSchema Schema { get; } = SchemaFor(null);

    public static NodeSchema SchemaFor(string? folder) => new("LoraLoader", "loaders")
    {
        DisplayName = "Load LoRA",
        Description = "LoRAs are used to modify diffusion and CLIP models, altering the way in which latents are denoised such as applying styles. Multiple LoRA nodes can be linked together.",
        Inputs =
        [
            DiffusionTypes.In("model", DiffusionTypes.Model, "The diffusion model the LoRA will be applied to."),
            DiffusionTypes.In("clip", DiffusionTypes.Clip, "The CLIP model the LoRA will be applied to."),
            LoraName(folder),
            Strength("strength_model", "How strongly to modify the diffusion model. This value can be negative."),
            Strength("strength_clip", "How strongly to modify the CLIP model. This value can be negative."),
        ],
        Outputs =
        [
            DiffusionTypes.Out(DiffusionTypes.Model, "The modified diffusion model."),
            DiffusionTypes.Out(DiffusionTypes.Clip, "The modified CLIP model."),
        ],
    };

    internal static InputSpec LoraName(string? folder) =>
        Input.Combo("lora_name", folder is null ? [] : new ModelFileList(folder), tooltip: "The name of the LoRA.");

    internal static InputSpec Strength(string name, string tooltip) => Input.Float(name, 1.0, min: -100, max: 100, step: 0.01m, tooltip: tooltip);

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var model = args.Get<SdModel>("model");
        var clip = args.Get<SdClip>("clip");
        double strengthModel = args.Float("strength_model"), strengthClip = args.Float("strength_clip");
        if (strengthModel == 0 && strengthClip == 0) return ValueTask.FromResult(NodeOutput.From(model, clip));

        var path = ModelFileList.Resolve(cache.Options.Loras, args.String("lora_name"));
        var notLoaded = Check(cache, path, model.Path, LoraTarget.UNet, clip.Path);
        Report(context, notLoaded);
        return ValueTask.FromResult(NodeOutput.From(
            strengthModel == 0 ? model : model with { Loras = [.. model.Loras, new LoraRef(path, strengthModel)] },
            strengthClip == 0 ? clip : clip with { Loras = [.. clip.Loras, new LoraRef(path, strengthClip)] }));
    }

    /// <summary>
    /// Reads the LoRA against the checkpoint(s) it will patch; returns the names of its tensors that patch nothing
    /// (with <paramref name="clipPath"/> null, text-encoder tensors count as not loaded, as in ComfyUI's model-only loader).
    /// </summary>
    internal static IReadOnlyList<string> Check(ModelCache cache, string loraPath, string modelPath, LoraTarget modelTarget, string? clipPath)
    {
        using var lora = SafetensorsFile.Open(loraPath);
        var used = new HashSet<string>(StringComparer.Ordinal);
        void Use(string checkpointPath, LoraTarget target) => cache.WithCheckpoint(checkpointPath, checkpoint =>
        {
            foreach (var patch in LoraFile.Read(lora, checkpoint.LoraKeys, checkpoint.File).Patches)
            {
                if (patch.Target == target) used.UnionWith(patch.Names);
            }
            return true;
        });
        Use(modelPath, modelTarget);
        if (clipPath is not null) Use(clipPath, LoraTarget.Clip);
        return [.. lora.Tensors.Select(t => t.Name).Where(n => !used.Contains(n))];
    }

    internal static void Report(NodeContext context, IReadOnlyList<string> notLoaded)
    {
        if (notLoaded.Count > 0) context.SendProgressText(string.Join('\n', notLoaded.Select(k => "lora key not loaded: " + k)));
    }
}
