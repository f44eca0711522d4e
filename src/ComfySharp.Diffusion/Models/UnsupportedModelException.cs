namespace ComfySharp.Diffusion.Models;

/// <summary>
/// A readable checkpoint of a model family ComfySharp cannot run (yet), or no model it recognises at all.
/// The message names the file and the family detected, never a guess presented as SD 1.x.
/// </summary>
public sealed class UnsupportedModelException : Exception
{
    public UnsupportedModelException()
    {
        Family = "";
    }

    public UnsupportedModelException(string message) : base(message)
    {
        Family = "";
    }

    public UnsupportedModelException(string message, Exception innerException) : base(message, innerException)
    {
        Family = "";
    }

    public UnsupportedModelException(string fileName, string family, string message) : base($"'{fileName}': {message}")
    {
        Family = family;
    }

    /// <summary>The family detected ("SDXL", "SD 2.x", ...), or "unknown".</summary>
    public string Family { get; }
}
