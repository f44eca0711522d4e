namespace ComfySharp.Client;

/// <summary>The WebSocket is not connected and the call was told not to wait (<see cref="DisconnectedBehavior.FailFast"/>), or reconnecting gave up.</summary>
public sealed class ComfyConnectionException : ComfyException
{
    /// <summary>Creates the exception with a message.</summary>
    public ComfyConnectionException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ComfyConnectionException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
