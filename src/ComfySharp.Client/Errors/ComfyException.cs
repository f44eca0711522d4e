namespace ComfySharp.Client;

/// <summary>The base of every error this SDK throws about the server (HTTP, validation, execution, connection).</summary>
public class ComfyException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ComfyException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ComfyException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ComfyException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
