namespace ComfySharp.Server.Sessions;

/// <summary>
/// The drains one broadcast started (<see cref="ClientSession.Enqueue"/> returned true), run one after another from a few
/// thread-pool work items instead of waking one writer per socket. Each socket's write is a system call that also carries
/// the frame through the loopback or network stack (7-11 us each on a 2-core VM, measured with a C sender), so a thousand
/// sockets are split over one work item per core. A drain that cannot write at once goes on by itself, so a stalled client
/// never holds up the sockets after it.
/// </summary>
internal sealed class FanOut
{
    // Fewer sockets than this per work item are not worth a second thread's wake-up.
    private const int MinPerPart = 64;

    private ClientSession[] _sessions;
    private int _count;
    private int _partsLeft;
    private Action? _done;

    public FanOut(int expected) => _sessions = new ClientSession[Math.Max(expected, 1)];

    public void Add(ClientSession session)
    {
        // Sockets may connect while a broadcast walks the sessions.
        if (_count == _sessions.Length) Array.Resize(ref _sessions, _count * 2);
        _sessions[_count++] = session;
    }

    /// <summary>Runs the drains on up to one work item per core; <paramref name="done"/> runs once all of them returned.</summary>
    public void Start(Action done)
    {
        _done = done;
        var parts = Math.Clamp(_count / MinPerPart, 1, Environment.ProcessorCount);
        var share = (_count + parts - 1) / parts;
        _partsLeft = parts;
        for (var start = 0; start < _count; start += share)
        {
            ThreadPool.UnsafeQueueUserWorkItem(new Part(this, start, Math.Min(_count, start + share)), preferLocal: false);
        }
    }

    private sealed class Part(FanOut owner, int start, int end) : IThreadPoolWorkItem
    {
        public void Execute()
        {
            var sessions = owner._sessions;
            for (var i = start; i < end; i++) sessions[i].Drain();
            if (Interlocked.Decrement(ref owner._partsLeft) == 0) owner._done!();
        }
    }
}
