namespace ComfySharp.LoadGen;

/// <summary>
/// What the listening socket saw of the prompts: when each one's <c>executing {node: null}</c> arrived and how it ended.
/// Concurrent posters register the prompts they got accepted (<see cref="Await"/>), then one thread waits until all of them
/// are done: a single signal for the whole run instead of one awaitable per prompt, whose continuation would be one more
/// thread hand-off per prompt. One lock guards it; each prompt takes it once on the poster's side and once on the listener's.
/// </summary>
internal sealed class Completions : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, long> _doneAt = new(StringComparer.Ordinal); // Stopwatch time of executing null
    private readonly Dictionary<string, string> _outcomes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _awaited = new(StringComparer.Ordinal); // accepted, not seen done yet
    private readonly ManualResetEventSlim _settled = new(false, 0); // the one waiter waits long; spinning would only take CPU
    private readonly CancellationTokenSource _endedSource = new();
    private bool _sealed; // no more Await calls
    private Exception? _ended;

    public Completions() => EndedToken = _endedSource.Token;

    /// <summary>Why the listening socket stopped, or null while it listens.</summary>
    public Exception? Ended
    {
        get
        {
            lock (_lock) return _ended;
        }
    }

    /// <summary>Cancelled when the listening socket stops, so that posters waiting on a server that no longer reports stop too.</summary>
    public CancellationToken EndedToken { get; }

    /// <summary>The listener saw <c>executing {node: null}</c> for <paramref name="promptId"/> (possibly before its poster got the answer).</summary>
    public void Done(string promptId, long receivedAt)
    {
        lock (_lock)
        {
            _doneAt.TryAdd(promptId, receivedAt);
            if (_awaited.Remove(promptId) && _sealed && _awaited.Count == 0) _settled.Set();
        }
    }

    /// <summary><c>execution_success</c>, <c>execution_error</c> or <c>execution_interrupted</c> for the prompt.</summary>
    public void SetOutcome(string promptId, string type)
    {
        lock (_lock) _outcomes[promptId] = type;
    }

    /// <summary>The listening socket stopped: nothing more will be done.</summary>
    public void End(Exception reason)
    {
        lock (_lock)
        {
            _ended ??= reason;
            _settled.Set();
        }
        _endedSource.Cancel();
    }

    /// <summary>A poster's prompt was accepted; <see cref="WaitAll"/> waits for it unless it is done already.</summary>
    public void Await(string promptId)
    {
        lock (_lock)
        {
            if (!_doneAt.ContainsKey(promptId)) _awaited.Add(promptId);
        }
    }

    /// <summary>
    /// After the last <see cref="Await"/>: blocks until every awaited prompt is done or the socket stopped
    /// (<see cref="Ended"/>); a prompt that never ends is bounded by <paramref name="ct"/>.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled first.</exception>
    public void WaitAll(CancellationToken ct)
    {
        lock (_lock)
        {
            _sealed = true;
            if (_awaited.Count == 0) _settled.Set();
        }
        _settled.Wait(ct);
    }

    public bool TryGetDone(string promptId, out long receivedAt)
    {
        lock (_lock) return _doneAt.TryGetValue(promptId, out receivedAt);
    }

    /// <summary>How the prompt ended: <c>execution_success</c>, <c>execution_error</c>, <c>execution_interrupted</c>, or <c>unknown</c>.</summary>
    public string Outcome(string promptId)
    {
        lock (_lock) return _outcomes.GetValueOrDefault(promptId, "unknown");
    }

    public void Dispose()
    {
        _settled.Dispose();
        _endedSource.Dispose();
    }
}
