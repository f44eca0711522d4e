using ComfySharp.Engine.Nodes;
using ComfySharp.Nodes.Diffusion.Conditionings;
using ComfySharp.Nodes.Diffusion.Latents;
using ComfySharp.Nodes.Diffusion.Loaders;
using ComfySharp.Nodes.Diffusion.Models;

namespace ComfySharp.Nodes.Diffusion;

/// <summary>The diffusion pack: SD 1.x checkpoints on ONNX Runtime, text encoding, VAE and latent/conditioning utilities.</summary>
public static class DiffusionNodes
{
    /// <summary>
    /// Registers the nodes that work end to end today. Sampling (KSampler) and LoRA loading
    /// are not registered: they are not built yet.
    /// </summary>
    public static NodeRegistry AddDiffusionNodes(this NodeRegistry registry, ModelCache cache)
    {
        var options = cache.Options;
        registry
            .Add(() => new CheckpointLoaderSimple(cache), CheckpointLoaderSimple.SchemaFor(options.Checkpoints))
            .Add(() => new VAELoader(cache), VAELoader.SchemaFor(options.Vae))
            .Add<CLIPTextEncode>()
            .Add<CLIPSetLastLayer>()
            .Add<VAEDecode>()
            .Add<VAEEncode>()
            .Add<VAEDecodeTiled>()
            .Add<VAEEncodeTiled>()
            .Add<EmptyLatentImage>()
            .Add<LatentUpscale>()
            .Add<LatentUpscaleBy>()
            .Add<LatentFromBatch>()
            .Add<RepeatLatentBatch>()
            .Add<ConditioningCombine>()
            .Add<ConditioningAverage>()
            .Add<ConditioningSetArea>()
            .Add<ConditioningZeroOut>();
        return registry;
    }
}
