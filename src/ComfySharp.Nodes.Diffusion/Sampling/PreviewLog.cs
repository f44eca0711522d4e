using Microsoft.Extensions.Logging;

namespace ComfySharp.Nodes.Diffusion.Sampling;

/// <summary>Why a sampler's TAESD previews fell back to latent2rgb.</summary>
internal static partial class PreviewLog
{
    [LoggerMessage(EventId = 601, Level = LogLevel.Warning,
        Message = "TAESD previews enabled, but could not find models/vae_approx/{Prefix}.safetensors; showing latent2rgb previews.")]
    public static partial void TaesdMissing(ILogger logger, string prefix);

    [LoggerMessage(EventId = 602, Level = LogLevel.Warning,
        Message = "TAESD previews enabled, but models/vae_approx/{File} is not a .safetensors file, the only format read here; "
            + "save the decoder as models/vae_approx/{Prefix}.safetensors. Showing latent2rgb previews.")]
    public static partial void TaesdNotSafetensors(ILogger logger, string file, string prefix);

    [LoggerMessage(EventId = 603, Level = LogLevel.Warning,
        Message = "TAESD decoder models/vae_approx/{File} cannot be used ({Reason}); showing latent2rgb previews.")]
    public static partial void TaesdFailed(ILogger logger, string file, string reason);
}
