namespace ComfySharp.Server.Sessions;

/// <summary>
/// Runs broadcasts' fan-outs one at a time, in order. A trivial prompt announces the queue three times within a
/// millisecond (queued, started, done); run side by side, the later fan-outs wrote to the sockets the first had already
/// reached while the rest still waited for their first status. One at a time, a later fan-out starts only once the earlier
/// one has run every drain it started; a socket the first has not reached yet takes the later frames in the same write. (A
/// socket whose write is under way when a broadcast comes sends it from that drain, right after: it is not idle, so it
/// is in no fan-out.)
/// </summary>
internal sealed class FanOutQueue
{
    private readonly Lock _lock = new();
    private readonly Queue<FanOut> _waiting = new();
    private readonly Action _next;
    private bool _running;

    public FanOutQueue() => _next = Next;

    public void Run(FanOut fanOut)
    {
        lock (_lock)
        {
            if (_running)
            {
                _waiting.Enqueue(fanOut);
                return;
            }
            _running = true;
        }
        fanOut.Start(_next);
    }

    private void Next()
    {
        FanOut? next;
        lock (_lock)
        {
            if (!_waiting.TryDequeue(out next))
            {
                _running = false;
                return;
            }
        }
        next.Start(_next);
    }
}
