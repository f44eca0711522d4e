namespace ComfySharp.Server.Routes;

/// <summary>ComfyUI's model folder keys and the file extensions it lists in them (protocol.md §2.15).</summary>
internal static class ModelFolders
{
    public static readonly string[] Keys =
    [
        "checkpoints", "configs", "loras", "vae", "text_encoders", "diffusion_models", "clip_vision", "style_models", "embeddings",
        "diffusers", "vae_approx", "controlnet", "gligen", "upscale_models", "latent_upscale_models", "custom_nodes", "hypernetworks",
        "photomaker", "classifiers", "model_patches", "audio_encoders",
    ];

    public static readonly HashSet<string> ModelExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".ckpt", ".pt", ".pt2", ".bin", ".pth", ".safetensors", ".pkl", ".sft",
    };

    /// <summary>Legacy names ComfyUI still accepts.</summary>
    public static string? Resolve(string folder) => folder switch
    {
        "unet" => "diffusion_models",
        "clip" => "text_encoders",
        _ => Array.IndexOf(Keys, folder) >= 0 ? folder : null,
    };

    /// <summary>Sorted relative paths (forward slashes) of the folder's files with the wanted extensions.</summary>
    public static List<string> List(string root, HashSet<string>? extensions)
    {
        var files = new List<string>();
        if (!Directory.Exists(root)) return files;
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.Hidden };
        foreach (var path in Directory.EnumerateFiles(root, "*", options))
        {
            if (extensions is not null && !extensions.Contains(Path.GetExtension(path))) continue;
            files.Add(Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/'));
        }
        files.Sort(StringComparer.Ordinal);
        return files;
    }
}
