namespace ComfySharp.Client;

/// <summary>The WebSocket's state.</summary>
public enum ConnectionState
{
    /// <summary>Never connected, or closed by <see cref="ComfyClient.DisposeAsync"/>.</summary>
    Disconnected,

    /// <summary>Connecting (first time or a reconnect attempt).</summary>
    Connecting,

    /// <summary>Connected and greeted by the server.</summary>
    Connected,

    /// <summary>Lost; waiting <see cref="ConnectionStateChangedEventArgs.Delay"/> before the next attempt.</summary>
    WaitingToReconnect,

    /// <summary>Reconnecting gave up (<see cref="ReconnectPolicy.MaxAttempts"/>).</summary>
    Failed,
}

/// <summary>What <see cref="ComfyClient.ConnectionStateChanged"/> reports.</summary>
/// <param name="State">The new state.</param>
/// <param name="Attempt">The reconnect attempt (1-based) the state belongs to; 0 for the first connection.</param>
/// <param name="Delay">For <see cref="ConnectionState.WaitingToReconnect"/>: the wait before the attempt.</param>
/// <param name="Error">Why the connection was lost or the attempt failed, if known.</param>
public sealed record ConnectionStateChangedEventArgs(ConnectionState State, int Attempt, TimeSpan Delay, Exception? Error);

/// <summary>What calls that need the WebSocket do while it is down.</summary>
public enum DisconnectedBehavior
{
    /// <summary>Wait for the reconnect (bounded by the caller's cancellation token). Default.</summary>
    Wait,

    /// <summary>Throw <see cref="ComfyConnectionException"/> at once; prompts being awaited fail when the socket drops.</summary>
    FailFast,
}
