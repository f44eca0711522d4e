using System.Globalization;
using Microsoft.Data.Sqlite;

namespace ComfySharp.Storage.Sqlite;

public sealed partial class SqlitePromptStore
{
    /// <summary>Runs a batch the queue gave the calling thread (nobody else was committing).</summary>
    private void RunHere(List<WriteOp> batch)
    {
        try
        {
            RunBatch(batch);
        }
        finally
        {
            _writes.CallerDone();
        }
    }

    /// <summary>
    /// The writer thread: takes every waiting write, runs them in one transaction, commits, then releases their callers.
    /// A thread of its own, because a commit blocks in the file system and the batches follow each other back to back.
    /// </summary>
    private void WriterLoop()
    {
        // RunBatch never throws: a write that cannot commit fails on its own, and the thread lives until the store closes.
        var batch = new List<WriteOp>(64);
        while (_writes.TakeForWriter(ref batch))
        {
            RunBatch(batch);
            batch.Clear();
        }
        _writerEnded.TrySetResult();
    }

    private void RunBatch(List<WriteOp> batch)
    {
        try
        {
            _commands.Begin.ExecuteNonQuery();
            foreach (var op in batch) Apply(op);
            _commands.Commit.ExecuteNonQuery();
            foreach (var op in batch) Settle(op);
        }
        catch (Exception)
        {
            // One write failed (or the commit did): nothing of the batch stands. Run each write in its own transaction so
            // that only the failing ones fail.
            RollBack();
            foreach (var op in batch) RunAlone(op);
            return;
        }
        foreach (var op in batch) op.Done.TrySetResult();
    }

    private void RunAlone(WriteOp op)
    {
        try
        {
            _commands.Begin.ExecuteNonQuery();
            Apply(op);
            _commands.Commit.ExecuteNonQuery();
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
            _commands.Rollback.ExecuteNonQuery();
        }
        catch (SqliteException)
        {
            // SQLite already rolled the transaction back (it does so itself on some errors).
        }
        try
        {
            LoadRowMaps(_writer);
        }
        catch (SqliteException)
        {
            // The file cannot be read now; the maps keep what the failed writes left, and the next writes fail or
            // succeed by what SQLite says. Reopening the store rebuilds them.
        }
    }

    private void Apply(WriteOp op)
    {
        var c = _commands;
        switch (op.Kind)
        {
            case WriteKind.AddPending:
            {
                var item = op.Item!;
                if (_queueRows.TryGetValue(item.PromptId, out var existing))
                {
                    Run(c.UpdatePending, existing.Row, item.Number, op.Json, item.Attempts);
                    _queueRows[item.PromptId] = existing with { Running = false };
                }
                else
                {
                    var row = Scalar(c.InsertPending, item.PromptId, item.Number, op.Json, item.Attempts);
                    _queueRows[item.PromptId] = new QueueRow(row, false);
                }
                break;
            }
            case WriteKind.MarkRunning:
                if (_queueRows.TryGetValue(op.PromptId!, out var started))
                {
                    Run(c.MarkRunning, started.Row);
                    _queueRows[op.PromptId!] = started with { Running = true };
                }
                break;
            case WriteKind.RemovePending:
                foreach (var id in op.PromptIds!)
                {
                    if (!_queueRows.TryGetValue(id, out var queued) || IsRunning(id, queued)) continue;
                    Run(c.DeleteQueued, queued.Row);
                    _queueRows.Remove(id);
                }
                break;
            case WriteKind.ClearPending:
                foreach (var (id, queued) in _queueRows)
                {
                    if (IsRunning(id, queued)) continue;
                    Run(c.DeleteQueued, queued.Row);
                    _queueRows.Remove(id);
                }
                break;
            case WriteKind.Complete:
                Complete(op.PromptId!, op.Record!, op.Cap);
                break;
            case WriteKind.DeleteHistory:
                foreach (var id in op.PromptIds!)
                {
                    if (!_historyRows.TryRemove(id, out var seq)) continue;
                    Run(c.DeleteHistory, seq);
                    _historyCount--;
                }
                break;
            case WriteKind.ClearHistory:
                c.ClearHistory.ExecuteNonQuery();
                _historyRows.Clear();
                _historyCount = 0;
                break;
        }
    }

    private void Complete(string promptId, Engine.Queue.HistoryRecord record, int cap)
    {
        var c = _commands;
        if (_queueRows.Remove(promptId, out var queued)) Run(c.DeleteQueued, queued.Row);
        // A re-used prompt id keeps its row and so its position in history.
        if (_historyRows.TryGetValue(record.PromptId, out var seq))
        {
            Run(c.UpdateHistory, seq, record.Number, record.CompletedAtMs, record.Json);
        }
        else
        {
            _historyRows[record.PromptId] = Scalar(c.InsertHistory, record.PromptId, record.Number, record.CompletedAtMs, record.Json);
            _historyCount++;
        }
        while (_historyCount > cap && c.TrimOldestHistory.ExecuteScalar() is string trimmed)
        {
            _historyRows.TryRemove(trimmed, out _);
            _historyCount--;
        }
    }

    /// <summary>
    /// After its commit: a completed or re-added item's attempts are in its row (or it has none), so the marker's count
    /// for it goes. Not inside the transaction: a batch that rolls back must leave the count where it was.
    /// </summary>
    private void Settle(WriteOp op)
    {
        if (op.Kind == WriteKind.Complete) _markedAttempts.TryRemove(op.PromptId!, out _);
        else if (op.Kind == WriteKind.AddPending) _markedAttempts.TryRemove(op.Item!.PromptId, out _);
    }

    private bool IsRunning(string promptId, QueueRow row) => row.Running || _markedAttempts.ContainsKey(promptId);

    private static void Run(SqliteCommand command, params ReadOnlySpan<object?> values)
    {
        Bind(command, values);
        command.ExecuteNonQuery();
    }

    private static long Scalar(SqliteCommand command, params ReadOnlySpan<object?> values)
    {
        Bind(command, values);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static void Bind(SqliteCommand command, ReadOnlySpan<object?> values)
    {
        for (var i = 0; i < values.Length; i++) command.Parameters[i].Value = values[i];
    }
}
