namespace ComfySharp.LoadGen;

/// <summary>
/// The broadcast scenario's listening sockets where there is no epoll (<see cref="EpollBroadcastListeners"/>): one
/// <see cref="BroadcastClient"/> each, read with async receives.
/// </summary>
internal sealed class AsyncBroadcastListeners : IBroadcastListeners
{
    private readonly BroadcastClient?[] _clients;

    private AsyncBroadcastListeners(int count) => _clients = new BroadcastClient?[count];

    public int Connected { get; private set; }

    public Exception? ConnectError { get; private set; }

    public static AsyncBroadcastListeners Connect(Uri url, int count, int concurrency, CancellationToken ct)
    {
        var listeners = new AsyncBroadcastListeners(count);
        try
        {
            listeners.ConnectAllAsync(url, concurrency, ct).GetAwaiter().GetResult();
            return listeners;
        }
        catch
        {
            listeners.Dispose();
            throw;
        }
    }

    public void Arm(BroadcastRound round)
    {
        foreach (var client in _clients) client!.Arm(round);
    }

    public void Dispose()
    {
        var closing = new List<Task>(_clients.Length);
        foreach (var client in _clients) if (client is not null) closing.Add(client.DisposeAsync().AsTask());
        Task.WhenAll(closing).GetAwaiter().GetResult();
    }

    /// <summary>Connects every client with at most <paramref name="concurrency"/> handshakes in flight; stops at the first failure.</summary>
    private async Task ConnectAllAsync(Uri url, int concurrency, CancellationToken ct)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var next = -1;
        Exception? error = null;

        async Task ConnectLoopAsync()
        {
            int i;
            while (Volatile.Read(ref error) is null && (i = Interlocked.Increment(ref next)) < _clients.Length)
            {
                try
                {
                    _clients[i] = await BroadcastClient.ConnectAsync(url, run, i, ct);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    Interlocked.CompareExchange(ref error, new IOException($"socket {i}: {ex.Message}", ex), null);
                }
            }
        }

        var loops = new Task[Math.Min(concurrency, _clients.Length)];
        for (var i = 0; i < loops.Length; i++) loops[i] = ConnectLoopAsync();
        await Task.WhenAll(loops);
        ConnectError = error;
        foreach (var client in _clients) if (client is not null) Connected++;
    }
}
