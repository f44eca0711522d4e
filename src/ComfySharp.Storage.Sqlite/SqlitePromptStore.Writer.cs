using ComfySharp.Engine.Queue;

namespace ComfySharp.Storage.Sqlite;

public sealed partial class SqlitePromptStore
{
    /// <summary>Runs a batch the queue gave the calling thread (nobody else was committing).</summary>
    private void RunHere(List<StoreOp> batch)
    {
        try
        {
            RunBatch(batch);
            CheckpointIfDue(onWriter: false);
        }
        finally
        {
            _writes.CallerDone(batch);
        }
    }

    /// <summary>
    /// After a batch, once its callers went on: checkpoints when the WAL has grown by <see cref="CheckpointPages"/> since the
    /// last one. A checkpoint copies megabytes and syncs two files (a 10,000-node prompt adds ~500 pages, so every eighth
    /// such commit crossed the mark); run inside a commit, as SQLite's automatic one is, it held up the POST answer or the
    /// history entry that commit was for (one of about nine 10,000-node chains took twice as long). A caller that ran its
    /// own batch hands the checkpoint to the writer thread instead of doing it before it goes on.
    /// </summary>
    private void CheckpointIfDue(bool onWriter)
    {
        if (unchecked(_database.PagesWritten() - _pagesAtCheckpoint) < CheckpointPages) return;
        if (!onWriter)
        {
            if (_checkpointWaiting) return;
            _checkpointWaiting = true;
            try
            {
                _writes.Add(new StoreOp(StoreOpKind.Checkpoint), mayRunHere: false);
            }
            catch (ObjectDisposedException)
            {
                // The store is closing; closing the connection checkpoints.
            }
            return;
        }
        _checkpointWaiting = false;
        try
        {
            _database.Checkpoint();
        }
        catch (SqliteStoreException)
        {
            // The next crossing tries again; SQLite's own checkpoint remains as a backstop.
        }
        _pagesAtCheckpoint = _database.PagesWritten();
    }

    /// <summary>
    /// The writer thread: takes every waiting op, runs them in one transaction, commits, then releases their callers.
    /// A thread of its own, because a commit blocks in the file system and the batches follow each other back to back.
    /// </summary>
    private void WriterLoop()
    {
        // RunBatch never throws: an op that cannot commit fails on its own, and the thread lives until the store closes.
        var batch = new List<StoreOp>(64);
        while (_writes.TakeForWriter(ref batch))
        {
            RunBatch(batch);
            batch.Clear();
            CheckpointIfDue(onWriter: true);
        }
        _writerEnded.TrySetResult();
    }

    private void RunBatch(List<StoreOp> batch)
    {
        try
        {
            _statements.Begin.Run();
            foreach (var op in batch) Apply(op);
            _statements.Commit.Run();
            foreach (var op in batch) Settle(op);
        }
        catch (Exception)
        {
            // One op failed (or the commit did): nothing of the batch stands. Run each op in its own transaction so that
            // only the failing ones fail.
            RollBack();
            foreach (var op in batch) RunAlone(op);
            return;
        }
        foreach (var op in batch) op.Done.TrySetResult();
    }

    private void RunAlone(StoreOp op)
    {
        try
        {
            _statements.Begin.Run();
            Apply(op);
            _statements.Commit.Run();
            Settle(op);
        }
        catch (Exception ex)
        {
            RollBack();
            op.Done.TrySetException(ex);
            return;
        }
        op.Done.TrySetResult();
    }

    /// <summary>Rolls the open transaction back and reloads the row maps, which <see cref="Apply"/> changed as it went.</summary>
    private void RollBack()
    {
        try
        {
            _statements.Rollback.Run();
        }
        catch (SqliteStoreException)
        {
            // SQLite already rolled the transaction back (it does so itself on some errors).
        }
        try
        {
            LoadRowMaps();
        }
        catch (SqliteStoreException)
        {
            // The file cannot be read now; the maps keep what the failed writes left, and the next writes fail or
            // succeed by what SQLite says. Reopening the store rebuilds them.
        }
    }

    private void Apply(StoreOp op)
    {
        var s = _statements;
        switch (op.Kind)
        {
            case StoreOpKind.AddPending:
            {
                var item = op.Item!;
                var queued = _queueRows.TryGetValue(item.PromptId, out var existing);
                if (queued && IsRunning(item.PromptId, existing))
                {
                    // Queued again while it runs: the running row stays (a crash must not lose either item), and the new item
                    // gets a row of its own. The running row is the one its completion deletes.
                    _runningRows[item.PromptId] = existing;
                    queued = false;
                }
                if (queued)
                {
                    var promptRow = KeepPrompt(existing.PromptRow, op);
                    s.UpdatePending.Bind(1, existing.Row).Bind(2, item.Number).BindUtf8(3, op.Json).Bind(4, item.Attempts)
                        .Bind(5, promptRow).Bind(6, op.PromptAt).Bind(7, op.PromptHash).Run();
                    _queueRows[item.PromptId] = new QueueRow(existing.Row, false, promptRow, op.PromptHash);
                }
                else
                {
                    var promptRow = KeepPrompt(null, op);
                    var row = s.InsertPending.Bind(1, item.PromptId).Bind(2, item.Number).BindUtf8(3, op.Json).Bind(4, item.Attempts)
                        .Bind(5, promptRow).Bind(6, op.PromptAt).Bind(7, op.PromptHash).RunInt64();
                    _queueRows[item.PromptId] = new QueueRow(row, false, promptRow, op.PromptHash);
                }
                break;
            }
            case StoreOpKind.MarkRunning:
                if (_queueRows.TryGetValue(op.PromptId!, out var started))
                {
                    s.MarkRunning.Bind(1, started.Row).Run();
                    _queueRows[op.PromptId!] = started with { Running = true };
                }
                break;
            case StoreOpKind.RemovePending:
                foreach (var id in op.PromptIds!)
                {
                    if (!_queueRows.TryGetValue(id, out var queued) || IsRunning(id, queued)) continue;
                    DeleteQueued(queued, keepPrompt: false);
                    _queueRows.Remove(id);
                }
                break;
            case StoreOpKind.ClearPending:
                foreach (var (id, queued) in _queueRows)
                {
                    if (IsRunning(id, queued)) continue;
                    DeleteQueued(queued, keepPrompt: false);
                    _queueRows.Remove(id);
                }
                break;
            case StoreOpKind.Complete:
                Complete(op);
                break;
            case StoreOpKind.DeleteHistory:
                // Hidden rows go first: with fewer rows after the delete, the newest of them would become visible again.
                if (_history.Hidden > 0) TrimHidden();
                foreach (var id in op.PromptIds!)
                {
                    if (_history.Remove(id, out var seq)) DeleteHistory(seq);
                }
                break;
            case StoreOpKind.ClearHistory:
                s.ClearHistoryPrompts.Run();
                s.ClearHistory.Run();
                _history.Clear();
                break;
            case StoreOpKind.ReadQueue:
                op.Items = ReadQueue();
                break;
            case StoreOpKind.ReadHistory:
                // Hidden rows are the oldest: positions count from the first visible one.
                s.ReadHistory.Bind(1, op.Limit ?? -1).Bind(2, (long)op.Offset + _history.Hidden);
                op.Records = ReadRecords(s.ReadHistory);
                break;
            case StoreOpKind.Checkpoint:
                break;
            case StoreOpKind.GetHistory:
                if (_history.TryGetVisible(op.PromptId!, out var found))
                {
                    s.GetHistory.Bind(1, found);
                    op.Records = ReadRecords(s.GetHistory);
                }
                break;
        }
    }

    /// <summary>
    /// The prompt's queue row goes and its history entry comes, taking over the queue row's prompt when it is the same one
    /// (<see cref="PromptRows"/>): no prompt bytes are written.
    /// </summary>
    private void Complete(StoreOp op)
    {
        var s = _statements;
        var record = op.Record!;
        long? promptRow = null;
        op.ClearsMarker = _runningRows.Remove(op.PromptId!, out var queued);
        if (op.ClearsMarker || _queueRows.Remove(op.PromptId!, out queued))
        {
            var takeOver = op.PromptAt >= 0 && queued.PromptRow is not null && queued.PromptHash == op.PromptHash;
            DeleteQueued(queued, keepPrompt: takeOver);
            if (takeOver) promptRow = queued.PromptRow;
        }
        if (op.PromptAt >= 0)
        {
            // Not taken over (queued again while it ran, or never queued here): packed now, on the thread that commits.
            promptRow ??= s.InsertPrompt.BindPrompt(1, record.Prompt.Span, PromptRows.Pack(record.Prompt.Span)).RunInt64();
        }
        _history.Cap = op.Cap;
        // A re-used prompt id keeps its row and so its position in history; one whose row is hidden (past the cap) is gone
        // for every reader, so it comes back as a new entry.
        if (_history.TryGetVisible(record.PromptId, out var seq))
        {
            s.DeleteHistoryPrompt.Bind(1, seq).Run();
            s.UpdateHistory.Bind(1, seq).Bind(2, record.Number).Bind(3, record.CompletedAtMs).BindUtf8(4, op.Json)
                .Bind(5, promptRow).Bind(6, op.PromptAt).Run();
            return;
        }
        if (_history.Remove(record.PromptId, out var hidden)) DeleteHistory(hidden);
        _history.Add(record.PromptId, s.InsertHistory.Bind(1, record.PromptId).Bind(2, record.Number).Bind(3, record.CompletedAtMs)
            .BindUtf8(4, op.Json).Bind(5, promptRow).Bind(6, op.PromptAt).RunInt64());
        if (_history.NeedsTrim) TrimHidden();
    }

    /// <summary>
    /// The prompts row for a queue row that had <paramref name="kept"/>: the added item's prompt written into it (or a new one)
    /// when the prompt is kept apart, else none (a row it had goes).
    /// </summary>
    private long? KeepPrompt(long? kept, StoreOp op)
    {
        var s = _statements;
        if (op.PromptAt < 0)
        {
            if (kept is { } unused) s.DeletePrompt.Bind(1, unused).Run();
            return null;
        }
        var prompt = op.Item!.PromptUtf8;
        if (kept is not { } row) return s.InsertPrompt.BindPrompt(1, prompt, op.PackedPrompt).RunInt64();
        s.UpdatePrompt.Bind(1, row).BindPrompt(2, prompt, op.PackedPrompt).Run();
        return row;
    }

    /// <summary>Deletes a queue row, and its prompt unless a history entry takes it over.</summary>
    private void DeleteQueued(QueueRow queued, bool keepPrompt)
    {
        _statements.DeleteQueued.Bind(1, queued.Row).Run();
        if (!keepPrompt && queued.PromptRow is { } prompt) _statements.DeletePrompt.Bind(1, prompt).Run();
    }

    /// <summary>Deletes a history entry and its prompt.</summary>
    private void DeleteHistory(long seq)
    {
        _statements.DeleteHistoryPrompt.Bind(1, seq).Run();
        _statements.DeleteHistory.Bind(1, seq).Run();
    }

    /// <summary>Deletes every hidden row at once (<see cref="HistoryIndex"/>).</summary>
    private void TrimHidden()
    {
        _statements.TrimHistoryPrompts.Bind(1, _history.FirstVisible).Run();
        var trim = _statements.TrimHistory.Bind(1, _history.FirstVisible);
        var trimmed = new List<string>(_history.Hidden);
        try
        {
            while (trim.Step()) trimmed.Add(trim.Text(0));
        }
        finally
        {
            trim.Reset();
        }
        _history.Trimmed(trimmed);
    }

    /// <summary>The queue in order, each item with the attempts its row holds plus those only the running marker holds.</summary>
    private List<QueueItem> ReadQueue()
    {
        var read = _statements.ReadQueue;
        var items = new List<QueueItem>();
        try
        {
            while (read.Step())
            {
                var item = QueueItemJson.Read(read.Utf8(0), (int)read.Int64(2), read.Prompt(3), (int)read.Int64(1));
                // The marker's attempts are the running row's: the older of two rows with one id.
                var running = _runningRows.TryGetValue(item.PromptId, out var set) ? set.Row
                    : _queueRows.TryGetValue(item.PromptId, out var only) ? only.Row : -1;
                items.Add(running == read.Int64(4) && _markedAttempts.TryGetValue(item.PromptId, out var marked)
                    ? item with { Attempts = item.Attempts + marked }
                    : item);
            }
        }
        finally
        {
            read.Reset();
        }
        return items;
    }

    private static List<HistoryRecord> ReadRecords(Statement read)
    {
        var records = new List<HistoryRecord>();
        try
        {
            while (read.Step())
            {
                records.Add(new HistoryRecord(read.Text(0), read.Double(1), read.Int64(2), PromptRows.Join(read.Utf8(3), (int)read.Int64(4), read.Prompt(5))));
            }
        }
        finally
        {
            read.Reset();
        }
        return records;
    }

    /// <summary>
    /// After its commit: the attempt of a completed run is no longer only the marker's. Not inside the transaction: a batch
    /// that rolls back must leave the count where it was. One count per run, so a run of the same id (queued again) that
    /// started before this completion committed keeps its own.
    /// </summary>
    private void Settle(StoreOp op)
    {
        if (op.Kind != StoreOpKind.Complete) return;
        if (op.ClearsMarker) _marker.ClearUnlessWritten(op.MarkerWrites);
        var id = op.PromptId!;
        while (_markedAttempts.TryGetValue(id, out var count))
        {
            if (count <= 1 ? _markedAttempts.TryRemove(new KeyValuePair<string, int>(id, count)) : _markedAttempts.TryUpdate(id, count - 1, count)) return;
        }
    }

    /// <summary>
    /// Whether <paramref name="row"/>, the id's row in <see cref="_queueRows"/>, is running: never when a running row of the
    /// same id was set apart (this one is then the item queued again meanwhile).
    /// </summary>
    private bool IsRunning(string promptId, QueueRow row) =>
        (row.Running || _markedAttempts.ContainsKey(promptId)) && !_runningRows.ContainsKey(promptId);
}
