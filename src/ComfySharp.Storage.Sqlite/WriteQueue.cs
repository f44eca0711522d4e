namespace ComfySharp.Storage.Sqlite;

/// <summary>
/// Writes waiting for a commit, and whose turn it is to run the next batch. When nobody is committing, the producer that
/// arrives runs the batch itself on its own thread: an idle server's commit then costs no thread hand-off (to the writer
/// and back). While a batch runs, later writes wait here; the writer thread then takes them all at once (a burst of
/// concurrent POSTs becomes one commit) and keeps the turn while more arrive. A producer runs at most the one batch that
/// holds its own write.
/// </summary>
internal sealed class WriteQueue
{
    private enum Turn
    {
        Nobody,
        Caller,
        Writer,
    }

    private readonly object _gate = new();
    private List<StoreOp> _pending = new(64);
    private List<StoreOp>? _spare; // a caller's batch list, handed back by CallerDone for the next caller
    private Turn _turn;
    private bool _completed;

    /// <summary>
    /// Adds the write. When nobody was committing and <paramref name="mayRunHere"/>, returns the batch (holding this write)
    /// that the caller must run now and then pass to <see cref="CallerDone"/>; otherwise null, and the writer thread
    /// commits it. Throws once the store is closing.
    /// </summary>
    public List<StoreOp>? Add(StoreOp op, bool mayRunHere)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_completed, this);
            _pending.Add(op);
            if (_turn != Turn.Nobody) return null;
            if (!mayRunHere)
            {
                _turn = Turn.Writer;
                Monitor.PulseAll(_gate);
                return null;
            }
            _turn = Turn.Caller;
            var batch = _pending;
            _pending = _spare ?? new List<StoreOp>(64);
            _spare = null;
            return batch;
        }
    }

    /// <summary>After a caller ran its batch: writes that arrived meanwhile are the writer thread's; the emptied list serves the next caller.</summary>
    public void CallerDone(List<StoreOp> batch)
    {
        batch.Clear();
        lock (_gate)
        {
            _spare = batch;
            if (_pending.Count == 0)
            {
                _turn = Turn.Nobody;
                return;
            }
            _turn = Turn.Writer;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>No writes are accepted after this; those already accepted are still committed.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            _completed = true;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>
    /// For the writer thread: blocks until it has the turn and writes wait, then hands them all over in
    /// <paramref name="batch"/> (which must be empty; it is swapped with the queue's list). False once the queue is
    /// completed and everything accepted has been taken.
    /// </summary>
    public bool TakeForWriter(ref List<StoreOp> batch)
    {
        lock (_gate)
        {
            while (true)
            {
                if (_turn == Turn.Writer)
                {
                    if (_pending.Count > 0)
                    {
                        (batch, _pending) = (_pending, batch);
                        return true;
                    }
                    _turn = Turn.Nobody;
                }
                if (_completed && _turn == Turn.Nobody && _pending.Count == 0) return false;
                Monitor.Wait(_gate);
            }
        }
    }
}
