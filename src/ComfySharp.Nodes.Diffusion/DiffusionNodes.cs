using ComfySharp.Engine.Nodes;
using ComfySharp.Nodes.Diffusion.Conditionings;
using ComfySharp.Nodes.Diffusion.Latents;
using ComfySharp.Nodes.Diffusion.Loaders;
using ComfySharp.Nodes.Diffusion.Models;
using ComfySharp.Nodes.Diffusion.Sampling;

namespace ComfySharp.Nodes.Diffusion;

/// <summary>The diffusion pack: SD 1.x checkpoints on ONNX Runtime, text encoding, VAE and latent/conditioning utilities.</summary>
public static class DiffusionNodes
{
    /// <summary>Registers the pack's nodes: loaders (checkpoints, VAE, LoRA), text encoding, VAE, latents, conditioning and sampling.</summary>
    public static NodeRegistry AddDiffusionNodes(this NodeRegistry registry, ModelCache cache)
    {
        var options = cache.Options;
        registry
            .Add(() => new CheckpointLoaderSimple(cache), CheckpointLoaderSimple.SchemaFor(options.Checkpoints))
            .Add(() => new VAELoader(cache), VAELoader.SchemaFor(options.Vae))
            .Add(() => new LoraLoader(cache), LoraLoader.SchemaFor(options.Loras))
            .Add(() => new LoraLoaderModelOnly(cache), LoraLoaderModelOnly.SchemaFor(options.Loras))
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
            .Add<ConditioningZeroOut>()
            .Add<VAEEncodeForInpaint>()
            .Add<SetLatentNoiseMask>()
            .Add<KSampler>()
            .Add<KSamplerAdvanced>()
            .Add<SamplerCustom>()
            .Add<SamplerCustomAdvanced>()
            .Add<KSamplerSelect>()
            .Add<BasicScheduler>()
            .Add<KarrasScheduler>()
            .Add<ExponentialScheduler>()
            .Add<SplitSigmas>()
            .Add<FlipSigmas>()
            .Add<RandomNoise>()
            .Add<DisableNoise>()
            .Add<CFGGuider>()
            .Add<BasicGuider>();
        return registry;
    }
}
