using System.Collections;

namespace ComfySharp.Nodes.Image.Files;

/// <summary>
/// LoadImage's combo: the image files directly in the input folder, sorted, listed afresh whenever it is read (ComfyUI rebuilds
/// <c>INPUT_TYPES</c> on every <c>/object_info</c>), filtered by extension as <c>filter_files_content_types(files, ["image"])</c>.
/// </summary>
internal sealed class InputImageList(string folder, bool imagesOnly) : IReadOnlyList<string>
{
    /// <summary>File extensions Python's <c>mimetypes</c> maps to <c>image/*</c>.</summary>
    internal static readonly HashSet<string> ImageExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".png", ".jpg", ".jpeg", ".jpe", ".jfif", ".webp", ".gif", ".bmp", ".tif", ".tiff", ".ico", ".svg", ".avif", ".heic", ".heif",
        ".pbm", ".pgm", ".ppm", ".pnm", ".ras", ".rgb", ".xbm", ".xpm", ".xwd", ".jxl", ".apng",
    };

    public int Count => Snapshot().Count;

    public string this[int index] => Snapshot()[index];

    public IEnumerator<string> GetEnumerator() => Snapshot().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private List<string> Snapshot()
    {
        var files = new List<string>();
        if (!Directory.Exists(folder)) return files;
        foreach (var path in Directory.EnumerateFiles(folder))
        {
            if (imagesOnly && !ImageExtensions.Contains(Path.GetExtension(path))) continue;
            files.Add(Path.GetFileName(path));
        }
        // Python's sorted(): by code point.
        files.Sort(StringComparer.Ordinal);
        return files;
    }
}
