using ComfySharp.Engine.Graph;

namespace ComfySharp.Nodes.Image.Files;

/// <summary>The three folders files may be read from or written to by type name (<c>folder_paths.get_directory_by_type</c>).</summary>
public static class ImageFolders
{
    public static string? ByType(EngineFolders folders, string? type) => type switch
    {
        "output" => folders.Output,
        "input" => folders.Input,
        "temp" => folders.Temp,
        _ => null,
    };

    /// <summary>
    /// The file a LoadImage-style widget value names: <c>name</c> or <c>sub/name</c> in the input folder, or an annotated name in
    /// another folder; <c>null</c> when it would leave that folder.
    /// </summary>
    public static string? ResolveWidgetValue(EngineFolders folders, string value)
    {
        var annotated = AnnotatedName.Parse(value);
        var root = ByType(folders, annotated.Type ?? "input")!;
        return SafePath.Resolve(root, null, annotated.Name, nameMayHaveFolders: true);
    }
}
