namespace ComfySharp.Storage.Sqlite;

/// <summary>
/// Writes waiting for the writer thread. Producers append under a monitor; the writer takes the whole list at once
/// (swapping in an empty one), so a burst of concurrent POSTs becomes one batch and one commit.
/// </summary>
internal sealed class WriteQueue
{
    private readonly object _gate = new();
    private List<WriteOp> _pending = new(64);
    private bool _completed;
    private bool _writerWaiting;

    /// <summary>False once <see cref="Complete"/> was called: the store is closing and takes no more writes.</summary>
    public bool TryAdd(WriteOp op)
    {
        lock (_gate)
        {
            if (_completed) return false;
            _pending.Add(op);
            if (_writerWaiting) Monitor.Pulse(_gate);
            return true;
        }
    }

    /// <summary>No writes are accepted after this; the writer still takes those already accepted.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            _completed = true;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>
    /// Blocks until at least one write waits, then hands every waiting write over in <paramref name="batch"/> (which must be
    /// empty; it is swapped with the queue's list). False when the queue is completed and drained.
    /// </summary>
    public bool TakeAll(ref List<WriteOp> batch)
    {
        lock (_gate)
        {
            while (_pending.Count == 0)
            {
                if (_completed) return false;
                _writerWaiting = true;
                Monitor.Wait(_gate);
                _writerWaiting = false;
            }
            (batch, _pending) = (_pending, batch);
            return true;
        }
    }
}
