using System.Text.Json.Nodes;
using ComfySharp.Engine.Graph;
using ComfySharp.Engine.Queue;
using ComfySharp.Engine.Validation;
using Microsoft.Extensions.Logging;

namespace ComfySharp.Engine.Execution;

/// <summary>
/// The single worker (protocol.md §4): takes the next prompt, runs it, commits its history entry, announces
/// <c>status</c>, then <c>executing {node: null}</c> so a client that sees it can always read the history.
/// </summary>
public sealed partial class PromptWorker(PromptQueue queue, PromptExecutor executor, PromptValidator validator, OrderedEvents events,
    EngineFolders folders, TimeProvider time, ILogger<PromptWorker> logger)
{
    private int _freeMemoryRequested;

    /// <summary>Asks the worker to drop all cached results before the next prompt (<c>POST /free</c>).</summary>
    public void RequestFreeMemory() => Interlocked.Exchange(ref _freeMemoryRequested, 1);

    /// <summary>Restores the durable queue: items retried once already go to history as errors.</summary>
    public async ValueTask RestoreAsync(CancellationToken ct) =>
        await RestoreAsync(await queue.Store.LoadQueueAsync(ct).ConfigureAwait(false), ct).ConfigureAwait(false);

    /// <summary>As <see cref="RestoreAsync(CancellationToken)"/>, with the items the store already loaded.</summary>
    public async ValueTask RestoreAsync(IReadOnlyList<QueueItem> queued, CancellationToken ct)
    {
        foreach (var item in queue.Restore(queued))
        {
            LogAbandoned(logger, item.PromptId, item.Attempts);
            var outcome = ServerError(ErrorData(item.PromptId,
                $"The server stopped while running this prompt {item.Attempts} times; it was not run again to protect the server.\n",
                "ServerCrashRecovery"));
            await queue.Store.CompleteAsync(item.PromptId, HistoryEntries.Create(item, outcome, time), PromptQueue.HistoryCap, callerWaits: true, ct).ConfigureAwait(false);
        }
    }

    /// <summary>How many finished prompts may wait for their history commit while the worker goes on.</summary>
    public const int MaxCommitsInFlight = 32;

    /// <summary>
    /// Runs prompts one at a time. A finished prompt's history commit overlaps the next prompts' runs (up to
    /// <see cref="MaxCommitsInFlight"/> commits in flight, which the store groups into few transactions); its <c>status</c>
    /// and <c>executing {node: null}</c> go out when its commit completes, ahead of every event of the next prompt
    /// (<see cref="OrderedEvents"/>).
    /// </summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        var committing = new Queue<Task>();
        while (!stopping.IsCancellationRequested)
        {
            QueueItem item;
            CancellationToken interrupt;
            try
            {
                (item, interrupt) = await TakeOrTrimAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }

            if (Interlocked.Exchange(ref _freeMemoryRequested, 0) == 1) executor.Cache.Clear();
            // Shutdown interrupts the running prompt; it is recorded as interrupted.
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(interrupt, stopping);
            var outcome = await RunOneAsync(item, linked.Token).ConfigureAwait(false);
            var record = HistoryEntries.Create(item, outcome, time);
            var committed = queue.CompleteAsync(item, record, CancellationToken.None);
            var scope = new ExecutionScope(item.PromptId, ClientIdOf(item.ExtraData));
            events.After(committed, e =>
            {
                e.QueueChanged(queue.Remaining);
                e.ExecutionDone(scope);
            });
            committing.Enqueue(committed);
            while (committing.Count > 0 && (committing.Count > MaxCommitsInFlight || committing.Peek().IsCompleted))
            {
                await ObserveAsync(committing.Dequeue()).ConfigureAwait(false);
            }
        }
        while (committing.Count > 0) await ObserveAsync(committing.Dequeue()).ConfigureAwait(false);
    }

    /// <summary>How long the queue stays empty before the worker hands unused memory back to the system.</summary>
    public static readonly TimeSpan IdleTrimDelay = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The next prompt. When none comes within <see cref="IdleTrimDelay"/>, the memory the last burst grew goes back to the
    /// system (<see cref="IdleMemory"/>), so an idle server's RSS does not depend on the load it has seen. It runs once per
    /// idle period, never while a prompt waits.
    /// </summary>
    private async ValueTask<(QueueItem Item, CancellationToken Interrupt)> TakeOrTrimAsync(CancellationToken stopping)
    {
        var take = queue.TakeAsync(stopping);
        if (take.IsCompleted) return await take.ConfigureAwait(false);
        var taking = take.AsTask();
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var waited = Task.Delay(IdleTrimDelay, time, idle.Token);
        if (await Task.WhenAny(taking, waited).ConfigureAwait(false) == waited && waited.IsCompletedSuccessfully)
        {
            executor.ReleaseScratch();
            IdleMemory.Release();
        }
        await idle.CancelAsync().ConfigureAwait(false);
        return await taking.ConfigureAwait(false);
    }

    private async Task ObserveAsync(Task commit)
    {
        try
        {
            await commit.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The prompt ran and its clients were told; only its history entry is missing. The worker goes on.
            LogCommitFailed(logger, ex);
        }
    }

    /// <summary>
    /// Runs one prompt. A node's exception is an <c>execution_error</c> of that node already; an exception that escapes the
    /// engine itself (a fault in its own code or in an event sink) fails this prompt alone, recorded in its history, instead
    /// of ending the worker, which stopped the whole server.
    /// </summary>
    private async Task<ExecutionOutcome> RunOneAsync(QueueItem item, CancellationToken interrupt)
    {
        try
        {
            return await RunOneUnguardedAsync(item, interrupt).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogEngineFault(logger, ex, item.PromptId);
            var data = ErrorData(item.PromptId, $"The server failed while running this prompt: {ex.Message}\n", ex.GetType().FullName!);
            try
            {
                events.ExecutionError(new ExecutionScope(item.PromptId, ClientIdOf(item.ExtraData)), (JsonObject)data.DeepClone(), blocked: false);
            }
            catch (Exception sinkFault)
            {
                // The sink that failed may fail again: the history entry still tells.
                LogEngineFault(logger, sinkFault, item.PromptId);
            }
            return ServerError(data);
        }
    }

    /// <summary>The <c>execution_error</c> data of a failure that belongs to no node (ComfyUI's fields, the node ones empty).</summary>
    private JsonObject ErrorData(string promptId, string message, string type) => new()
    {
        ["prompt_id"] = promptId,
        ["node_id"] = null,
        ["node_type"] = null,
        ["executed"] = new JsonArray(),
        ["exception_message"] = message,
        ["exception_type"] = type,
        ["traceback"] = new JsonArray(),
        ["current_inputs"] = new JsonObject(),
        ["current_outputs"] = new JsonArray(),
        ["timestamp"] = time.GetUtcNow().ToUnixTimeMilliseconds(),
    };

    private static ExecutionOutcome ServerError(JsonObject data) =>
        new(ExecutionStatus.Error, new JsonArray(new JsonArray("execution_error", data)), [], []);

    private async Task<ExecutionOutcome> RunOneUnguardedAsync(QueueItem item, CancellationToken interrupt)
    {
        LogStarting(logger, item.PromptId);
        var nodes = item.Nodes;
        var outputs = item.OutputsToExecute;
        if (nodes is null)
        {
            // Restored after a restart: the stored prompt was validated when accepted; validate it again to type it.
            var validated = await validator.ValidateAsync(item.Prompt, outputs, CancellationToken.None).ConfigureAwait(false);
            if (!validated.IsValid)
            {
                return new ExecutionOutcome(ExecutionStatus.Error, new JsonArray(new JsonArray("execution_error", new JsonObject
                {
                    ["prompt_id"] = item.PromptId,
                    ["exception_message"] = $"The prompt no longer validates: {(string?)validated.Error?["message"]}\n",
                    ["exception_type"] = "ValidationError",
                    ["timestamp"] = time.GetUtcNow().ToUnixTimeMilliseconds(),
                })), [], []);
            }
            nodes = validated.Nodes;
        }
        var extra = (JsonObject)item.ExtraData.DeepClone();
        if (item.Sensitive is not null)
        {
            foreach (var (k, v) in item.Sensitive) extra[k] = v?.DeepClone();
        }
        var outcome = await executor.ExecuteAsync(item, extra, nodes, outputs, folders, interrupt).ConfigureAwait(false);
        LogFinished(logger, item.PromptId, outcome.StatusStr);
        return outcome;
    }

    private static string? ClientIdOf(JsonObject extraData) =>
        extraData["client_id"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    [LoggerMessage(EventId = 100, Level = LogLevel.Debug, Message = "Prompt {PromptId} starting")]
    private static partial void LogStarting(ILogger logger, string promptId);

    [LoggerMessage(EventId = 101, Level = LogLevel.Debug, Message = "Prompt {PromptId} finished: {Status}")]
    private static partial void LogFinished(ILogger logger, string promptId, string status);

    [LoggerMessage(EventId = 104, Level = LogLevel.Error, Message = "Prompt {PromptId} failed in the engine, not in a node")]
    private static partial void LogEngineFault(ILogger logger, Exception exception, string promptId);

    [LoggerMessage(EventId = 103, Level = LogLevel.Error, Message = "A history entry could not be committed")]
    private static partial void LogCommitFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Prompt {PromptId} was running at {Attempts} crashes; recorded as an error")]
    private static partial void LogAbandoned(ILogger logger, string promptId, int attempts);
}
