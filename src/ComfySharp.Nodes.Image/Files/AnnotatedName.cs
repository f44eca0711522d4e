namespace ComfySharp.Nodes.Image.Files;

/// <summary>
/// ComfyUI's annotated file names (<c>folder_paths.annotated_filepath</c>): a trailing <c> [output]</c>, <c> [input]</c> or
/// <c> [temp]</c> picks the folder; otherwise the caller's default applies.
/// </summary>
public readonly record struct AnnotatedName(string Name, string? Type)
{
    public static AnnotatedName Parse(string value)
    {
        // ComfyUI slices one extra character off, which is the space before the bracket.
        if (value.EndsWith("[output]", StringComparison.Ordinal)) return new(value[..Math.Max(0, value.Length - 9)], "output");
        if (value.EndsWith("[input]", StringComparison.Ordinal)) return new(value[..Math.Max(0, value.Length - 8)], "input");
        if (value.EndsWith("[temp]", StringComparison.Ordinal)) return new(value[..Math.Max(0, value.Length - 7)], "temp");
        return new(value, null);
    }
}
