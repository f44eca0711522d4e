using System.Text.Json.Nodes;
using ComfySharp.Client.Workflows;

namespace ComfySharp.Client;

public sealed partial class ComfyClient
{
    /// <summary>
    /// Queues <paramref name="workflow"/> and waits until it is done, then returns its history (outputs with file descriptors,
    /// and the images' bytes with <see cref="RunOptions.DownloadImages"/>). If the socket drops meanwhile, the client reconnects
    /// and reads <c>/history</c> and <c>/queue</c>, so a prompt that finished while it was down still returns.
    /// Cancelling stops waiting; it does not interrupt the prompt on the server (see <see cref="InterruptAsync"/>).
    /// </summary>
    /// <exception cref="ComfyValidationException">The server rejected the prompt.</exception>
    /// <exception cref="ComfyExecutionException">A node failed or the prompt was interrupted (unless <see cref="RunOptions.ThrowOnFailure"/> is false).</exception>
    /// <exception cref="ComfyConnectionException">The socket is down and the client fails fast, or reconnecting gave up.</exception>
    public Task<PromptResult> RunAsync(Workflow workflow, RunOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        return RunAsync(workflow.ToJsonObject(), options, cancellationToken);
    }

    /// <summary>As <see cref="RunAsync(Workflow, RunOptions?, CancellationToken)"/>, for an API-format graph given as JSON.</summary>
    public async Task<PromptResult> RunAsync(JsonObject prompt, RunOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        options ??= new RunOptions();
        await ConnectAsync(cancellationToken).ConfigureAwait(false);
        // The id is chosen here so the waiter exists before any event of the prompt can arrive.
        var promptId = options.Queue.PromptId ?? Guid.NewGuid().ToString();
        var waiter = new PromptWaiter(promptId);
        lock (_gate)
        {
            if (!_waiters.TryAdd(promptId, waiter)) throw new InvalidOperationException($"Prompt {promptId} is already being run by this client.");
        }
        using var observing = options.Observer is null ? null : ObservePrompt(promptId, options.Observer);
        try
        {
            var generation = Volatile.Read(ref _generation);
            try
            {
                await QueuePromptAsync(prompt, options.Queue with { PromptId = promptId }, cancellationToken).ConfigureAwait(false);
            }
            catch (ComfyConnectionException) when (_options.WhenDisconnected == DisconnectedBehavior.Wait)
            {
                // The connection broke after the request went out: the server may have queued the prompt. Its id is ours, so
                // once the server answers again, /history and /queue tell; only a prompt found in neither is reported lost.
                if (!await WasQueuedAsync(promptId, cancellationToken).ConfigureAwait(false)) throw;
            }
            waiter.Queued = true;
            // A reconnect while the POST was in flight reconciled before this prompt counted as queued: look it up now.
            if (Volatile.Read(ref _generation) != generation) _ = ReconcileAsync();
            await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            // The server writes history before executing {node: null} (protocol.md §3.6), so it is there now.
            var history = await GetHistoryAsync(promptId, cancellationToken).ConfigureAwait(false)
                ?? throw new ComfyException($"Prompt {promptId} finished but has no history entry (was it deleted?).");
            var result = new PromptResult(promptId, history);
            if (!history.Completed && options.ThrowOnFailure) throw new ComfyExecutionException(result);
            if (options.DownloadImages) result = result with { Images = await DownloadAsync(history, cancellationToken).ConfigureAwait(false) };
            else result = result with { Images = Files(history, null) };
            return result;
        }
        finally
        {
            lock (_gate) _waiters.Remove(promptId);
        }
    }

    /// <summary>
    /// After <c>POST /prompt</c> failed on the connection: whether the server has <paramref name="promptId"/> in history or queue.
    /// Waits for the socket to come back and retries the lookup with the reconnect policy's backoff while the server is unreachable.
    /// </summary>
    private async Task<bool> WasQueuedAsync(string promptId, CancellationToken ct)
    {
        var policy = _options.Reconnect;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ConnectAsync(ct).ConfigureAwait(false);
                if (await GetHistoryAsync(promptId, ct).ConfigureAwait(false) is not null) return true;
                if ((await GetQueueAsync(ct).ConfigureAwait(false)).Contains(promptId)) return true;
                // It may have finished between the two reads.
                return await GetHistoryAsync(promptId, ct).ConfigureAwait(false) is not null;
            }
            catch (ComfyConnectionException) when (policy.MaxAttempts is not { } max || attempt < max)
            {
                Log.LookupRetry(_logger, promptId, attempt);
                await Task.Delay(policy.GetDelay(attempt, _options.Random()), _options.TimeProvider, ct).ConfigureAwait(false);
            }
        }
    }

    private async Task<IReadOnlyList<DownloadedFile>> DownloadAsync(HistoryEntry history, CancellationToken ct)
    {
        var files = Files(history, null);
        var downloaded = new List<DownloadedFile>(files.Count);
        foreach (var f in files) downloaded.Add(f with { Bytes = await ViewAsync(f.File, ct).ConfigureAwait(false) });
        return downloaded;
    }

    private static List<DownloadedFile> Files(HistoryEntry history, byte[]? bytes)
    {
        var files = new List<DownloadedFile>();
        foreach (var (nodeId, outputs) in history.Outputs)
        {
            foreach (var image in outputs.Images) files.Add(new DownloadedFile(nodeId, image, bytes));
        }
        return files;
    }

    /// <summary>
    /// After a reconnect: events sent while the socket was down are lost (protocol.md §3.1, no replay), so every awaited prompt is
    /// looked up. In history: done. Still queued or running: keep waiting for its events. Neither: deleted from the queue.
    /// Prompts only observed (<see cref="ObservePrompt"/>, <see cref="WatchPrompt"/>) may not be queued yet: history alone ends them.
    /// </summary>
    private async Task ReconcileAsync()
    {
        string[] ids;
        string[] observed;
        lock (_gate)
        {
            ids = [.. _waiters.Values.Where(w => w.Queued).Select(w => w.PromptId)];
            observed = [.. _observers.Keys.Where(id => !_waiters.ContainsKey(id))];
        }
        if (ids.Length == 0 && observed.Length == 0) return;
        var ct = _disposing.Token;
        foreach (var id in observed)
        {
            try
            {
                if (await GetHistoryAsync(id, ct).ConfigureAwait(false) is not null) PromptDone(id);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is ComfyException or HttpRequestException or ObjectDisposedException)
            {
                Log.ReconcileFailed(_logger, id, ex);
            }
        }
        foreach (var id in ids)
        {
            try
            {
                if (await GetHistoryAsync(id, ct).ConfigureAwait(false) is not null)
                {
                    Log.Reconciled(_logger, id);
                    PromptDone(id);
                    continue;
                }
                var queue = await GetQueueAsync(ct).ConfigureAwait(false);
                if (queue.Contains(id)) continue;
                // It may have finished between the two reads.
                if (await GetHistoryAsync(id, ct).ConfigureAwait(false) is not null)
                {
                    Log.Reconciled(_logger, id);
                    PromptDone(id);
                    continue;
                }
                PromptWaiter? waiter;
                lock (_gate) _waiters.TryGetValue(id, out waiter);
                waiter?.Fail(new ComfyException($"Prompt {id} is neither queued, running nor in history: it was deleted from the queue."));
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is ComfyException or HttpRequestException or ObjectDisposedException)
            {
                // The socket may drop again; the next reconnect reconciles again.
                Log.ReconcileFailed(_logger, id, ex);
            }
        }
    }
}
