namespace ComfySharp.LoadGen;

/// <summary>
/// One broadcast round: when each socket got its first <c>status</c> after the POST, and when each saw the queue empty again
/// (<c>queue_remaining</c> 0), after which no status of this round is still on its way.
/// </summary>
internal sealed class BroadcastRound
{
    private readonly long[] _arrivals; // Stopwatch timestamps, 0 until the socket's status arrives
    private readonly TaskCompletionSource _allArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _allDrained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrived;
    private int _drained;

    public BroadcastRound(int number, int clients)
    {
        Number = number;
        _arrivals = new long[clients];
    }

    public int Number { get; }

    public Task AllArrived => _allArrived.Task;

    public Task AllDrained => _allDrained.Task;

    public void Arrived(int client, long timestamp)
    {
        _arrivals[client] = timestamp;
        if (Interlocked.Increment(ref _arrived) == _arrivals.Length) _allArrived.TrySetResult();
    }

    public void Drained()
    {
        if (Interlocked.Increment(ref _drained) == _arrivals.Length) _allDrained.TrySetResult();
    }

    /// <summary>A socket closed mid-round: the round can never complete.</summary>
    public void Lost(int client, Exception reason)
    {
        var error = new IOException($"Broadcast client {client} lost its socket: {reason.Message}", reason);
        _allArrived.TrySetException(error);
        _allDrained.TrySetException(error);
    }

    /// <summary>Milliseconds from <paramref name="postedAt"/> to the first and to the last arrival; call after <see cref="AllArrived"/>.</summary>
    public (double FirstMs, double LastMs) Spread(long postedAt)
    {
        long first = long.MaxValue, last = 0;
        foreach (var t in _arrivals)
        {
            first = Math.Min(first, t);
            last = Math.Max(last, t);
        }
        return (Percentiles.Ms(first - postedAt), Percentiles.Ms(last - postedAt));
    }
}
