namespace ComfySharp.Server.Sessions;

/// <summary>
/// The drains one broadcast started (<see cref="ClientSession.Enqueue"/> returned true), run one after another from a single
/// thread-pool work item: one wake-up per broadcast instead of one per socket. A drain that cannot write at once goes on by
/// itself, so a stalled client never holds up the sockets after it.
/// </summary>
internal sealed class FanOut(int expected) : IThreadPoolWorkItem
{
    private ClientSession[] _sessions = new ClientSession[Math.Max(expected, 1)];
    private int _count;

    public void Add(ClientSession session)
    {
        // Sockets may connect while a broadcast walks the sessions.
        if (_count == _sessions.Length) Array.Resize(ref _sessions, _count * 2);
        _sessions[_count++] = session;
    }

    public void Execute()
    {
        for (var i = 0; i < _count; i++) _sessions[i].Drain();
    }
}
