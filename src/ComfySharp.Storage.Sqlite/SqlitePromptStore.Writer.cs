using Microsoft.Data.Sqlite;

namespace ComfySharp.Storage.Sqlite;

public sealed partial class SqlitePromptStore
{
    /// <summary>Takes every waiting write, runs them in one transaction, commits, then releases their callers.</summary>
    private async Task WriterLoopAsync()
    {
        var batch = new List<WriteOp>(MaxBatch);
        var reader = _writes.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && reader.TryRead(out var op)) batch.Add(op);
            if (batch.Count == 0) continue;
            RunBatch(batch);
        }
    }

    private void RunBatch(List<WriteOp> batch)
    {
        var countBefore = _historyCount;
        var maxBefore = _maxSequence;
        var failures = new Exception?[batch.Count];
        try
        {
            _commands.Begin.ExecuteNonQuery();
            for (var i = 0; i < batch.Count; i++)
            {
                try
                {
                    Apply(batch[i]);
                }
                catch (SqliteException ex)
                {
                    // A failed statement is rolled back on its own; the rest of the batch still commits.
                    failures[i] = ex;
                }
            }
            _commands.Commit.ExecuteNonQuery();
        }
        catch (Exception ex)
        {
            try
            {
                _commands.Rollback.ExecuteNonQuery();
            }
            catch (SqliteException)
            {
                // No transaction left to roll back.
            }
            _historyCount = countBefore;
            _maxSequence = maxBefore;
            foreach (var op in batch) op.Done.TrySetException(ex);
            return;
        }
        for (var i = 0; i < batch.Count; i++)
        {
            if (failures[i] is { } failure) batch[i].Done.TrySetException(failure);
            else batch[i].Done.TrySetResult();
        }
    }

    private void Apply(WriteOp op)
    {
        var c = _commands;
        switch (op.Kind)
        {
            case WriteKind.AddPending:
                c.AddPending.Parameters[0].Value = op.Item!.PromptId;
                c.AddPending.Parameters[1].Value = op.Item.Number;
                c.AddPending.Parameters[2].Value = op.Json;
                c.AddPending.Parameters[3].Value = op.Item.Attempts;
                c.AddPending.ExecuteNonQuery();
                break;
            case WriteKind.MarkRunning:
                c.MarkRunning.Parameters[0].Value = op.PromptId;
                c.MarkRunning.ExecuteNonQuery();
                break;
            case WriteKind.RemovePending:
                foreach (var id in op.PromptIds!)
                {
                    c.RemovePending.Parameters[0].Value = id;
                    c.RemovePending.ExecuteNonQuery();
                }
                break;
            case WriteKind.ClearPending:
                c.ClearPending.ExecuteNonQuery();
                break;
            case WriteKind.Complete:
                c.RemoveQueued.Parameters[0].Value = op.PromptId;
                c.RemoveQueued.ExecuteNonQuery();
                var record = op.Record!;
                c.UpsertHistory.Parameters[0].Value = record.PromptId;
                c.UpsertHistory.Parameters[1].Value = record.Number;
                c.UpsertHistory.Parameters[2].Value = record.CompletedAtMs;
                c.UpsertHistory.Parameters[3].Value = record.Json;
                var sequence = Convert.ToInt64(c.UpsertHistory.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
                // A new row gets a sequence above every earlier one; a re-used prompt id keeps its row and position.
                if (sequence > _maxSequence)
                {
                    _maxSequence = sequence;
                    _historyCount++;
                }
                if (_historyCount > op.Cap)
                {
                    c.TrimHistory.Parameters[0].Value = _historyCount - op.Cap;
                    _historyCount -= c.TrimHistory.ExecuteNonQuery();
                }
                break;
            case WriteKind.DeleteHistory:
                foreach (var id in op.PromptIds!)
                {
                    c.DeleteHistory.Parameters[0].Value = id;
                    _historyCount -= c.DeleteHistory.ExecuteNonQuery();
                }
                break;
            case WriteKind.ClearHistory:
                c.ClearHistory.ExecuteNonQuery();
                _historyCount = 0;
                break;
        }
    }
}
