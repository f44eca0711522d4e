namespace ComfySharp.LoadGen;

/// <summary>
/// One broadcast round: when each socket got its first <c>status</c> after the POST, and when each saw the queue empty again
/// (<c>queue_remaining</c> 0), after which no status of this round is still on its way. The receivers record; the
/// scenario's thread waits, woken once when the last socket has arrived (the times were taken by the receivers).
/// </summary>
internal sealed class BroadcastRound : IDisposable
{
    private readonly long[] _arrivals; // Stopwatch timestamps, 0 until the socket's status arrives
    private readonly long[] _stamps; // the kernel's arrival stamps (Unix ns), 0 where there is none
    private readonly ManualResetEventSlim _allArrived = new(false, 0);
    private readonly ManualResetEventSlim _allDrained = new(false, 0);
    private int _arrived;
    private int _drained;
    private Exception? _lost;

    public BroadcastRound(int number, int clients)
    {
        Number = number;
        _arrivals = new long[clients];
        _stamps = new long[clients];
    }

    public int Number { get; }

    /// <summary>Socket <paramref name="client"/> read its status at <paramref name="timestamp"/>; <paramref name="arrivedUnixNs"/> is the kernel's stamp of its arrival, or 0.</summary>
    public void Arrived(int client, long timestamp, long arrivedUnixNs = 0)
    {
        _arrivals[client] = timestamp;
        _stamps[client] = arrivedUnixNs;
        if (Interlocked.Increment(ref _arrived) == _arrivals.Length) _allArrived.Set();
    }

    public void Drained()
    {
        if (Interlocked.Increment(ref _drained) == _arrivals.Length) _allDrained.Set();
    }

    /// <summary>A socket closed mid-round: the round can never complete.</summary>
    public void Lost(int client, Exception reason)
    {
        Interlocked.CompareExchange(ref _lost, new IOException($"Broadcast client {client} lost its socket: {reason.Message}", reason), null);
        _allArrived.Set();
        _allDrained.Set();
    }

    /// <summary>Blocks until every socket has its status.</summary>
    /// <exception cref="IOException">A socket was lost.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled first.</exception>
    public void WaitAllArrived(CancellationToken ct) => Wait(_allArrived, ct);

    /// <summary>Blocks until every socket has seen the queue empty again.</summary>
    public void WaitAllDrained(CancellationToken ct) => Wait(_allDrained, ct);

    /// <summary>Milliseconds from <paramref name="postedAt"/> to the first and to the last arrival; call after <see cref="WaitAllArrived"/>.</summary>
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

    /// <summary>
    /// Milliseconds from <paramref name="postedUnixNs"/> to the first and the last arrival the kernel stamped (when the status
    /// reached each socket, however late the generator read it); null unless every socket has a stamp.
    /// </summary>
    public (double FirstMs, double LastMs)? StampedSpread(long postedUnixNs)
    {
        long first = long.MaxValue, last = 0;
        foreach (var t in _stamps)
        {
            if (t == 0) return null;
            first = Math.Min(first, t);
            last = Math.Max(last, t);
        }
        return ((first - postedUnixNs) / 1e6, (last - postedUnixNs) / 1e6);
    }

    public void Dispose()
    {
        _allArrived.Dispose();
        _allDrained.Dispose();
    }

    private void Wait(ManualResetEventSlim signal, CancellationToken ct)
    {
        signal.Wait(ct);
        if (Volatile.Read(ref _lost) is { } lost) throw lost;
    }
}
