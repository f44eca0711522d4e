using System.Text.Json.Nodes;
using ComfySharp.Diffusion.Previews;
using ComfySharp.Engine.Nodes;
using ComfySharp.Nodes.Diffusion.Models;
using ComfySharp.Nodes.Image.Io;

namespace ComfySharp.Nodes.Diffusion.Sampling;

/// <summary>
/// A sampling run's latent previews, chosen as ComfyUI's <c>get_previewer</c> does. The method is the prompt's
/// <c>extra_data.preview_method</c> when it names one, else <c>--preview-method</c>. <c>latent2rgb</c> and <c>auto</c> (which
/// ComfyUI has meant latent2rgb since 2024) map the latent's channels to RGB; <c>taesd</c> decodes with the TAESD decoder of
/// <c>models/vae_approx</c> (the first file whose name starts with <c>taesd_decoder</c>; only safetensors are read), loaded once
/// through the model cache. A missing, unreadable or failing decoder is logged and latent2rgb is used instead: the prompt
/// runs on, as it does in ComfyUI when the file is missing. Each preview is the first batch item, fitted to
/// <c>--preview-size</c> and sent as JPEG quality 95, as ComfyUI's server does.
/// </summary>
internal sealed class LatentPreviewer
{
    public static readonly string[] Methods = ["none", "auto", "latent2rgb", "taesd"];

    private static readonly Latent2RgbPreviewer Latent2Rgb = Latent2RgbPreviewer.Sd15();
    private static readonly string[] ReadableExtensions = [".safetensors", ".sft"];

    private readonly ModelCache _cache;
    private string? _taesd;

    private LatentPreviewer(ModelCache cache, string? taesd)
    {
        _cache = cache;
        _taesd = taesd;
    }

    /// <summary>The previewer for this prompt, or null when previews are off.</summary>
    public static LatentPreviewer? For(NodeContext context, ModelCache cache)
    {
        var method = MethodOf(context.ExtraData, cache.Options.PreviewMethod);
        if (method == "none") return null;
        return new LatentPreviewer(cache, method == "taesd" ? LoadTaesd(cache) : null);
    }

    /// <summary>ComfyUI: a prompt's <c>preview_method</c> counts when it is one of the methods (so <c>default</c> means the flag's).</summary>
    internal static string MethodOf(JsonObject extraData, string configured) =>
        extraData.TryGetPropertyValue("preview_method", out var node) && node is JsonValue v && v.TryGetValue<string>(out var requested)
            && Methods.Contains(requested)
            ? requested
            : configured;

    /// <summary>A JPEG of the first batch item of <paramref name="latent"/> [B, C, H, W]; null when the latent is not SD 1.x's 4 channels.</summary>
    public PreviewImage? Preview(ReadOnlyMemory<float> latent, int[] shape)
    {
        if (shape is not [> 0, 4, > 0, > 0]) return null;
        var picture = Decode(latent, shape);
        return PreviewFrames.Jpeg(picture.Rgb, picture.Width, picture.Height, _cache.Options.PreviewSize);
    }

    private LatentPreview Decode(ReadOnlyMemory<float> latent, int[] shape)
    {
        if (_taesd is { } path)
        {
            try
            {
                return _cache.WithTaesd(path, taesd => taesd.Preview(latent.Span, shape));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Replaced on disk by a bad file mid-run, or a decoder that does not fit: the rest of the run shows latent2rgb.
                PreviewLog.TaesdFailed(_cache.Logger, Path.GetFileName(path), ex.Message);
                _taesd = null;
            }
        }
        return Latent2Rgb.Preview(latent.Span, shape);
    }

    /// <summary>The decoder's path once it loads, else null (with the reason logged).</summary>
    private static string? LoadTaesd(ModelCache cache)
    {
        var folder = cache.Options.VaeApprox;
        string? named = null, readable = null;
        foreach (var name in new ModelFileList(folder))
        {
            if (!name.StartsWith(TaesdPreviewer.Sd15DecoderPrefix, StringComparison.Ordinal)) continue;
            named ??= name;
            if (Array.IndexOf(ReadableExtensions, Path.GetExtension(name).ToLowerInvariant()) >= 0)
            {
                readable = name;
                break;
            }
        }
        if (readable is null)
        {
            if (named is null) PreviewLog.TaesdMissing(cache.Logger, TaesdPreviewer.Sd15DecoderPrefix);
            else PreviewLog.TaesdNotSafetensors(cache.Logger, named, TaesdPreviewer.Sd15DecoderPrefix);
            return null;
        }
        var path = ModelFileList.Resolve(folder, readable);
        try
        {
            cache.WithTaesd(path, _ => true);
            return path;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            PreviewLog.TaesdFailed(cache.Logger, readable, ex.Message);
            return null;
        }
    }
}
