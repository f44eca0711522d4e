using System.Globalization;

namespace ComfySharp.Nodes.Image.Files;

/// <summary>
/// Where a batch of saved images goes (protocol.md §6.11, <c>folder_paths.get_save_image_path</c>): variables substituted,
/// the prefix's folder part as subfolder (never outside the output folder), and the first counter after the existing files.
/// </summary>
public sealed record SaveImagePath(string FullFolder, string FileName, int Counter, string Subfolder, string Prefix)
{
    public static SaveImagePath Compute(string prefix, string outputFolder, int width, int height, DateTime now)
    {
        if (prefix.Contains('%', StringComparison.Ordinal)) prefix = Substitute(prefix, width, height, now);
        var (subfolder, fileName) = Split(prefix);
        var full = SafePath.ResolveFolder(outputFolder, subfolder)
            ?? throw new InvalidOperationException("Saving image outside the output folder is not allowed.");
        if (SafePath.Problem(fileName, allowSeparators: false) is { } problem)
        {
            throw new InvalidOperationException($"Invalid filename prefix '{prefix}': {problem}.");
        }
        int counter;
        if (!Directory.Exists(full))
        {
            Directory.CreateDirectory(full);
            counter = 1;
        }
        else
        {
            counter = NextCounter(full, fileName, BaseName(prefix).Length);
        }
        return new SaveImagePath(full, fileName, counter, subfolder, prefix);
    }

    /// <summary>The file name of batch item <paramref name="batchNumber"/> saved with counter <paramref name="counter"/>.</summary>
    public string FileFor(int batchNumber, int counter, string extension = "png") =>
        string.Create(CultureInfo.InvariantCulture,
            $"{FileName.Replace("%batch_num%", batchNumber.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)}_{counter:D5}_.{extension}");

    private static string Substitute(string input, int width, int height, DateTime now) => input
        .Replace("%width%", width.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("%height%", height.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("%year%", now.Year.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("%month%", now.Month.ToString("D2", CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("%day%", now.Day.ToString("D2", CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("%hour%", now.Hour.ToString("D2", CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("%minute%", now.Minute.ToString("D2", CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("%second%", now.Second.ToString("D2", CultureInfo.InvariantCulture), StringComparison.Ordinal);

    /// <summary><c>os.path.normpath</c> then dirname/basename; a leading <c>/</c> or a <c>..</c> that cannot be folded stays and is refused later.</summary>
    private static (string Subfolder, string FileName) Split(string prefix)
    {
        var parts = new List<string>();
        foreach (var part in prefix.Split('/'))
        {
            if (part is "" or ".") continue;
            if (part == ".." && parts.Count > 0 && parts[^1] != "..") parts.RemoveAt(parts.Count - 1);
            else parts.Add(part);
        }
        if (parts.Count == 0) return ("", ".");
        var sub = string.Join('/', parts.GetRange(0, parts.Count - 1));
        if (prefix.StartsWith('/')) sub = "/" + sub;
        return (sub, parts[^1]);
    }

    private static string BaseName(string prefix)
    {
        var slash = prefix.LastIndexOf('/');
        return slash < 0 ? prefix : prefix[(slash + 1)..];
    }

    /// <summary>1 + the largest counter of files named <c>&lt;name&gt;_&lt;digits&gt;…</c>, or 1.</summary>
    private static int NextCounter(string folder, string fileName, int prefixLength)
    {
        var max = 0;
        var found = false;
        foreach (var path in Directory.EnumerateFileSystemEntries(folder))
        {
            var f = Path.GetFileName(path);
            if (f.Length < prefixLength + 1) continue;
            if (f[prefixLength] != '_' || !string.Equals(f[..prefixLength], fileName, StringComparison.Ordinal)) continue;
            var rest = f[(prefixLength + 1)..];
            var end = rest.IndexOf('_');
            var digits = end < 0 ? rest : rest[..end];
            var value = int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var d) ? d : 0;
            max = found ? Math.Max(max, value) : value;
            found = true;
        }
        return found ? max + 1 : 1;
    }
}
