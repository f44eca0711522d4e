using ComfySharp.Diffusion.Safetensors;

namespace ComfySharp.Diffusion.Onnx;

/// <summary>
/// The weights of a mapped safetensors file as ONNX external data: safetensors stores each tensor as contiguous
/// little-endian bytes, which is exactly ONNX's external-data layout, so a graph initializer can point at the tensor's
/// offset in the checkpoint itself. ONNX Runtime maps those bytes; nothing is re-serialized or converted in C#.
/// </summary>
/// <remarks>
/// With a <paramref name="patch"/> file (LoRA-merged tensors, see <c>LoraMerger</c>), the tensors it holds are taken from
/// it and all others still from the checkpoint. ONNX Runtime reads external data from one folder only and refuses
/// locations that leave it (by <c>..</c> or through a symbolic link), so the folder is then the deepest folder holding
/// both files and each location is the file's path below it.
/// </remarks>
internal sealed class CheckpointWeights(SafetensorsFile file, SafetensorsFile? patch = null) : IWeightCatalog
{
    private readonly string _folder = patch is null
        ? Path.GetDirectoryName(Path.GetFullPath(file.Path))!
        : CommonFolder(file.Path, patch.Path)
            ?? throw new InvalidOperationException($"'{file.Path}' and '{patch.Path}' have no common folder (different drives?).");

    public SafetensorsFile File => file;

    public string Folder => _folder;

    public WeightLocation Locate(string key)
    {
        var (source, entry) = patch is not null && patch.TryGet(key, out var patched) ? (patch, patched) : (file, file.Get(key));
        if (!entry.DType.IsWeightType())
        {
            throw new SafetensorsException(source.FileName, $"tensor '{key}' is {entry.DType.Name()}; weights must be F32, F16 or BF16");
        }
        var location = patch is null ? file.FileName : Path.GetRelativePath(_folder, Path.GetFullPath(source.Path)).Replace('\\', '/');
        return new WeightLocation(location, entry.Offset, entry.ByteLength, entry.DType, entry.ElementCount);
    }

    /// <summary>The deepest folder that contains both files, or null when they are on different roots.</summary>
    public static string? CommonFolder(string a, string b)
    {
        var first = Path.GetDirectoryName(Path.GetFullPath(a))!;
        var second = Path.GetDirectoryName(Path.GetFullPath(b))!;
        var comparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        for (var folder = first; folder is not null; folder = Path.GetDirectoryName(folder))
        {
            var withSeparator = Path.EndsInDirectorySeparator(folder) ? folder : folder + Path.DirectorySeparatorChar;
            if (string.Equals(folder, second, comparison) || second.StartsWith(withSeparator, comparison)) return folder;
        }
        return null;
    }
}
