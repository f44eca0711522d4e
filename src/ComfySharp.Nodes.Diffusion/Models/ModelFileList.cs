using System.Collections;

namespace ComfySharp.Nodes.Diffusion.Models;

/// <summary>
/// A combo's choices that are the model files of a folder, re-read on every use as ComfyUI's
/// <c>folder_paths.get_filename_list</c> is: relative paths with forward slashes, subfolders included, sorted by code point.
/// </summary>
internal sealed class ModelFileList(string folder) : IReadOnlyList<string>
{
    /// <summary>ComfyUI's supported_pt_extensions; only .safetensors files can be loaded here, but every model file is listed as in ComfyUI.</summary>
    private static readonly HashSet<string> Extensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".ckpt", ".pt", ".pt2", ".bin", ".pth", ".safetensors", ".pkl", ".sft",
    };

    public int Count => Snapshot().Count;

    public string this[int index] => Snapshot()[index];

    public IEnumerator<string> GetEnumerator() => Snapshot().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private List<string> Snapshot()
    {
        var files = new List<string>();
        if (!Directory.Exists(folder)) return files;
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.Hidden };
        foreach (var path in Directory.EnumerateFiles(folder, "*", options))
        {
            if (Extensions.Contains(Path.GetExtension(path))) files.Add(Path.GetRelativePath(folder, path).Replace(Path.DirectorySeparatorChar, '/'));
        }
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    /// <summary>The full path of a listed name, refusing names that leave the folder.</summary>
    public static string Resolve(string folder, string name)
    {
        var root = Path.GetFullPath(folder);
        var full = Path.GetFullPath(Path.Combine(root, name));
        if (!full.StartsWith(root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"'{name}' is outside the model folder.");
        }
        return full;
    }
}
