namespace ComfySharp.Diffusion.Safetensors;

/// <summary>
/// A safetensors file that cannot be used: the message names the file (by its name only, never its full path, since the
/// text can reach a client in an <c>execution_error</c>) and what is wrong with it.
/// </summary>
public sealed class SafetensorsException : Exception
{
    public SafetensorsException()
    {
        FileName = "";
    }

    public SafetensorsException(string message) : base(message)
    {
        FileName = "";
    }

    public SafetensorsException(string message, Exception innerException) : base(message, innerException)
    {
        FileName = "";
    }

    public SafetensorsException(string fileName, string problem, Exception? innerException = null)
        : base($"'{fileName}' is not a usable safetensors file: {problem}", innerException)
    {
        FileName = fileName;
    }

    public string FileName { get; }
}
