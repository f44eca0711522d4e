using ComfySharp.Diffusion.Graphs;
using ComfySharp.Diffusion.Lora;
using ComfySharp.Diffusion.Models;
using ComfySharp.Diffusion.Onnx;
using ComfySharp.Diffusion.Safetensors;

namespace ComfySharp.Nodes.Diffusion.Models;

/// <summary>
/// An opened checkpoint: the mapped file, what detection found, and the ONNX sessions made from it so far (each made on
/// first use). Owned by <see cref="ModelCache"/>, which disposes it on <c>/free</c> with <c>unload_models</c>.
/// A LoRA-patched one (<see cref="OpenPatched"/>) also owns the file of merged tensors its weights partly point into,
/// and deletes it when disposed.
/// </summary>
internal sealed class LoadedCheckpoint : IDisposable
{
    private readonly Lazy<ClipTextEncoder?> _clip;
    private readonly Lazy<VaeModel?> _vae;
    private readonly Lazy<UNetModel?> _unet;

    private readonly Lazy<LoraKeyMap> _loraKeys;
    private readonly SafetensorsFile? _patch;

    private LoadedCheckpoint(SafetensorsFile file, DetectedCheckpoint detected, SafetensorsFile? patch = null)
    {
        File = file;
        Detected = detected;
        _patch = patch;
        Weights = new CheckpointWeights(file, patch);
        _loraKeys = new(() => new LoraKeyMap(detected, file.Tensors.Select(t => t.Name).ToHashSet(StringComparer.Ordinal)));
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

    /// <summary>The names LoRA files may give this checkpoint's weights.</summary>
    public LoraKeyMap LoraKeys => _loraKeys.Value;

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

    /// <summary>
    /// The checkpoint with <paramref name="loras"/> merged into its <paramref name="target"/> weights: the merged tensors are
    /// written to a file in <paramref name="patchFolder"/>, every other weight still points into the checkpoint.
    /// </summary>
    public static LoadedCheckpoint OpenPatched(string path, IReadOnlyList<LoraApplication> loras, LoraTarget target, string patchFolder)
    {
        var file = SafetensorsFile.Open(path);
        var patchPath = System.IO.Path.Combine(patchFolder, $"lora-{target.ToString().ToLowerInvariant()}-{Guid.NewGuid():N}.safetensors");
        SafetensorsFile? patch = null;
        try
        {
            var detected = CheckpointDetector.Detect(file);
            var keys = new LoraKeyMap(detected, file.Tensors.Select(t => t.Name).ToHashSet(StringComparer.Ordinal));
            Directory.CreateDirectory(patchFolder);
            LoraMerger.WritePatch(file, keys, loras, target, patchPath);
            patch = SafetensorsFile.Open(patchPath);
            return new LoadedCheckpoint(file, detected, patch);
        }
        catch
        {
            patch?.Dispose();
            file.Dispose();
            DeleteQuietly(patchPath);
            throw;
        }
    }

    private static void DeleteQuietly(string path)
    {
        try
        {
            System.IO.File.Delete(path);
        }
        catch (IOException)
        {
            // Still mapped somewhere; the temp folder is cleared at the next start.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    public void Dispose()
    {
        if (_clip.IsValueCreated) _clip.Value?.Dispose();
        if (_vae.IsValueCreated) _vae.Value?.Dispose();
        if (_unet.IsValueCreated) _unet.Value?.Dispose();
        File.Dispose();
        if (_patch is not null)
        {
            _patch.Dispose();
            DeleteQuietly(_patch.Path);
        }
    }
}
