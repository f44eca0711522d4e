namespace ComfySharp.LoadGen;

/// <summary>The broadcast scenario's listening sockets, each greeted with its first <c>status</c> before it counts as connected.</summary>
internal interface IBroadcastListeners : IDisposable
{
    /// <summary>Sockets connected and greeted.</summary>
    int Connected { get; }

    /// <summary>The first socket that could not connect (connecting stopped there), or null.</summary>
    Exception? ConnectError { get; }

    /// <summary>Makes the next <c>status</c> each socket receives count for <paramref name="round"/>.</summary>
    void Arm(BroadcastRound round);
}
