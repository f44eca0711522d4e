using System.Globalization;

namespace ComfySharp.Diffusion.Models;

/// <summary>Key names and shapes of a checkpoint, with the lookups detection needs; a missing key is a clear error.</summary>
internal sealed class KeySet(string fileName, IReadOnlyDictionary<string, long[]> shapes)
{
    public string FileName { get; } = fileName;

    public IEnumerable<string> Names => shapes.Keys;

    public bool Has(string key) => shapes.ContainsKey(key);

    public long[] Shape(string key) => shapes.TryGetValue(key, out var shape)
        ? shape
        : throw new UnsupportedModelException(FileName, "unknown", $"the checkpoint lacks tensor '{key}' that its other keys imply (incomplete or damaged model)");

    public bool AnyStartsWith(string prefix)
    {
        foreach (var k in shapes.Keys) if (k.StartsWith(prefix, StringComparison.Ordinal)) return true;
        return false;
    }

    public bool AnyContains(string part)
    {
        foreach (var k in shapes.Keys) if (k.Contains(part, StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>How many consecutive indices from 0 have keys <c>{prefix}{i}.</c> (ComfyUI's count_blocks).</summary>
    public int CountIndexed(string prefix)
    {
        var present = new HashSet<int>();
        foreach (var k in shapes.Keys)
        {
            if (!k.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var rest = k.AsSpan(prefix.Length);
            var dot = rest.IndexOf('.');
            if (dot > 0 && int.TryParse(rest[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out var index)) present.Add(index);
        }
        var n = 0;
        while (present.Contains(n)) n++;
        return n;
    }
}
