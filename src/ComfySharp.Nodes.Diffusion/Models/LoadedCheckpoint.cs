using ComfySharp.Diffusion.Graphs;
using ComfySharp.Diffusion.Models;
using ComfySharp.Diffusion.Onnx;
using ComfySharp.Diffusion.Safetensors;

namespace ComfySharp.Nodes.Diffusion.Models;

/// <summary>
/// An opened checkpoint: the mapped file, what detection found, and the ONNX sessions made from it so far (each made on
/// first use). Owned by <see cref="ModelCache"/>, which disposes it on <c>/free</c> with <c>unload_models</c>.
/// </summary>
internal sealed class LoadedCheckpoint : IDisposable
{
    private readonly Lazy<ClipTextEncoder?> _clip;
    private readonly Lazy<VaeModel?> _vae;
    private readonly Lazy<UNetModel?> _unet;

    private LoadedCheckpoint(SafetensorsFile file, DetectedCheckpoint detected)
    {
        File = file;
        Detected = detected;
        Weights = new CheckpointWeights(file);
        _clip = new(() => detected.Clip is { } c ? new ClipTextEncoder(c, Weights) : null);
        _unet = new(() => detected.UNet is { } u ? new UNetModel(u, Weights) : null);
        _vae = new(() => detected.Vae is { } v ? new VaeModel(v, Weights, DetectedCheckpoint.VaePrefix, file.FileName) : null);
    }

    public SafetensorsFile File { get; }
    public DetectedCheckpoint Detected { get; }
    public CheckpointWeights Weights { get; }

    public ClipTextEncoder Clip => _clip.Value ?? throw new InvalidOperationException($"'{File.FileName}' has no CLIP text encoder.");

    /// <summary>The diffusion model; its session is made once on first use and shared by concurrent prompts.</summary>
    public UNetModel UNet => _unet.Value ?? throw new InvalidOperationException($"'{File.FileName}' has no diffusion model.");

    public VaeModel Vae => _vae.Value ?? throw new InvalidOperationException($"'{File.FileName}' has no VAE.");

    public static LoadedCheckpoint Open(string path)
    {
        var file = SafetensorsFile.Open(path);
        try
        {
            return new LoadedCheckpoint(file, CheckpointDetector.Detect(file));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        if (_clip.IsValueCreated) _clip.Value?.Dispose();
        if (_vae.IsValueCreated) _vae.Value?.Dispose();
        if (_unet.IsValueCreated) _unet.Value?.Dispose();
        File.Dispose();
    }
}
