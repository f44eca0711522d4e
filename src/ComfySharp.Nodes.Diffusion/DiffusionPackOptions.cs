using ComfySharp.Engine.Graph;

namespace ComfySharp.Nodes.Diffusion;

/// <summary>
/// Where the diffusion pack finds its files. Checkpoints, VAEs and embeddings in ComfyUI's model folders under
/// <c>models/</c> (LoRAs in <c>models/loras</c>). The CLIP tokenizer (<c>vocab.json</c> + <c>merges.txt</c>, e.g. ComfyUI's <c>comfy/sd1_tokenizer</c> or a
/// diffusers <c>tokenizer</c> folder) in <see cref="TokenizerFolder"/> when set (COMFYSHARP_SD1_TOKENIZER), else
/// <c>models/tokenizers/sd1_tokenizer</c>, else <c>comfy/sd1_tokenizer</c> under the base folder (a ComfyUI install
/// used as base directory).
/// </summary>
public sealed record DiffusionPackOptions(EngineFolders Folders)
{
    public string? TokenizerFolder { get; init; } = Environment.GetEnvironmentVariable("COMFYSHARP_SD1_TOKENIZER");

    /// <summary><c>--preview-method</c>: none, auto, latent2rgb or taesd (a prompt's <c>extra_data.preview_method</c> overrides it).</summary>
    public string PreviewMethod { get; init; } = "none";

    /// <summary><c>--preview-size</c>: latent previews are fitted to this many pixels on their long side (ComfyUI's default 512).</summary>
    public int PreviewSize { get; init; } = 512;

    public string Checkpoints => Path.Combine(Folders.Models, "checkpoints");
    public string Vae => Path.Combine(Folders.Models, "vae");
    public string Loras => Path.Combine(Folders.Models, "loras");

    /// <summary>ComfyUI's <c>vae_approx</c> folder: the TAESD decoders of <c>taesd</c> previews.</summary>
    public string VaeApprox => Path.Combine(Folders.Models, "vae_approx");

    /// <summary>Where LoRA-merged tensors are written while a patched model is loaded (deleted when it is freed).</summary>
    public string LoraPatches => Path.Combine(Folders.Temp, "lora-patches");
    public string Embeddings => Path.Combine(Folders.Models, "embeddings");

    public IEnumerable<string> TokenizerCandidates()
    {
        if (!string.IsNullOrEmpty(TokenizerFolder)) yield return TokenizerFolder;
        yield return Path.Combine(Folders.Models, "tokenizers", "sd1_tokenizer");
        yield return Path.Combine(Folders.Base, "comfy", "sd1_tokenizer");
    }
}
