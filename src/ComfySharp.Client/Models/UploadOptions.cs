namespace ComfySharp.Client;

/// <summary>Form fields of <c>/upload/image</c> and <c>/upload/mask</c> (protocol.md §2.10).</summary>
public sealed record UploadOptions
{
    /// <summary><c>input</c> (default), <c>temp</c> or <c>output</c>.</summary>
    public string Type { get; init; } = "input";

    /// <summary>Subfolder of the target folder ("" for none).</summary>
    public string Subfolder { get; init; } = "";

    /// <summary>Replace an existing file of the same name instead of picking <c>name (1).png</c>.</summary>
    public bool Overwrite { get; init; }
}

/// <summary>The server's answer to an upload: the name to put into a LoadImage input (<c>subfolder/name</c> when a subfolder was used).</summary>
/// <param name="Name">The stored file name (may differ from the one sent).</param>
/// <param name="Subfolder">The subfolder.</param>
/// <param name="Type">The folder type.</param>
public sealed record UploadedFile(string Name, string Subfolder, string Type)
{
    /// <summary>The value a LoadImage <c>image</c> input takes.</summary>
    public string InputValue => Subfolder.Length == 0 ? Name : Subfolder + "/" + Name;
}
