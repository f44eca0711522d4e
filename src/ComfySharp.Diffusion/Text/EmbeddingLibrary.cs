using ComfySharp.Diffusion.Safetensors;

namespace ComfySharp.Diffusion.Text;

/// <summary>
/// Textual-inversion embeddings named in prompts as <c>embedding:name</c>, looked up like ComfyUI does: in each
/// folder and its subfolders, as the exact file name or with <c>.safetensors</c> appended, never outside the folder.
/// Only safetensors files are read (ComfyUI also reads pickled <c>.pt</c>/<c>.bin</c>, which ComfySharp does not
/// unpickle). The vectors come from the <c>clip_l</c> tensor when present, else <c>bundle_emb.*.string_to_param.*</c>
/// (LoRA bundles), else the file's first tensor.
/// </summary>
internal sealed class EmbeddingLibrary(IReadOnlyList<string> folders)
{
    public const string Key = "clip_l";

    /// <summary>The embedding's vectors ([n][width]), or null when no such file exists.</summary>
    public float[][]? Find(string name)
    {
        foreach (var root in folders)
        {
            if (!Directory.Exists(root)) continue;
            var rootFull = Path.GetFullPath(root);
            foreach (var dir in Enumerable.Prepend(Directory.EnumerateDirectories(rootFull, "*", SearchOption.AllDirectories), rootFull))
            {
                var candidate = Path.GetFullPath(Path.Combine(dir, name));
                if (!candidate.StartsWith(dir.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal)) continue;
                if (File.Exists(candidate) && candidate.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase)) return Load(candidate);
                if (File.Exists(candidate + ".safetensors")) return Load(candidate + ".safetensors");
            }
        }
        return null;
    }

    private static float[][] Load(string path)
    {
        using var file = SafetensorsFile.Open(path);
        TensorEntry? chosen = null;
        if (file.TryGet(Key, out var direct)) chosen = direct;
        var bundled = file.Tensors.Where(t => t.Name.StartsWith("bundle_emb.", StringComparison.Ordinal) && t.Name.Contains(".string_to_param.", StringComparison.Ordinal)).ToList();
        if (chosen is null && bundled.Count > 0) return bundled.SelectMany(t => Rows(file, t)).ToArray();
        chosen ??= file.Tensors.Count > 0 ? file.Tensors[0] : throw new SafetensorsException(file.FileName, "the embedding file holds no tensor");
        return Rows(file, chosen);
    }

    private static float[][] Rows(SafetensorsFile file, TensorEntry t)
    {
        var data = file.ReadFloat32(t);
        if (t.Shape.Length == 0) throw new SafetensorsException(file.FileName, $"embedding tensor '{t.Name}' is a scalar");
        var width = (int)t.Shape[^1];
        if (width == 0) return [];
        var rows = new float[data.Length / width][];
        for (var r = 0; r < rows.Length; r++) rows[r] = data.AsSpan(r * width, width).ToArray();
        return rows;
    }
}
