using ComfySharp.Engine.Graph;

namespace ComfySharp.Nodes.Image;

/// <summary>What the image pack needs from the server: its folders (for the LoadImage file lists) and the metadata switch.</summary>
public sealed record ImagePackOptions(EngineFolders Folders)
{
    /// <summary><c>--disable-metadata</c>: no prompt/workflow text chunks in saved files.</summary>
    public bool DisableMetadata { get; init; }
}
