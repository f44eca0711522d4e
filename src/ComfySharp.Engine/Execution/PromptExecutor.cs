using System.Text.Json.Nodes;
using ComfySharp.Engine.Caching;
using ComfySharp.Engine.Graph;
using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Queue;

namespace ComfySharp.Engine.Execution;

/// <summary>
/// Runs one validated prompt (protocol.md §6): cache keys, <c>execution_cached</c>, then the staged nodes in
/// dependency order with lazy inputs, list mapping, expansion, blockers, async overlap and cooperative interrupts.
/// One instance serves the single worker; the cache outlives prompts.
/// </summary>
public sealed partial class PromptExecutor(NodeRegistry registry, OutputCache cache, IExecutionEvents events, TimeProvider time)
{
    private readonly NodeRegistry _registry = registry;
    private readonly OutputCache _cache = cache;
    private readonly IExecutionEvents _events = events;
    private readonly TimeProvider _time = time;
    private RunTables? _spareTables;

    public OutputCache Cache => _cache;

    public Task<ExecutionOutcome> ExecuteAsync(string promptId, JsonObject promptJson, JsonObject extraData,
        IReadOnlyList<PromptNode> nodes, IReadOnlyList<string> outputs, EngineFolders folders, CancellationToken interrupt) =>
        ExecuteAsync(promptId, () => promptJson, extraData, nodes, outputs, folders, interrupt);

    /// <summary>Runs a queued prompt; its JSON tree is made only if a node asks for the prompt.</summary>
    public Task<ExecutionOutcome> ExecuteAsync(QueueItem item, JsonObject extraData,
        IReadOnlyList<PromptNode> nodes, IReadOnlyList<string> outputs, EngineFolders folders, CancellationToken interrupt) =>
        ExecuteAsync(item.PromptId, () => item.Prompt, extraData, nodes, outputs, folders, interrupt);

    private async Task<ExecutionOutcome> ExecuteAsync(string promptId, Func<JsonObject> promptJson, JsonObject extraData,
        IReadOnlyList<PromptNode> nodes, IReadOnlyList<string> outputs, EngineFolders folders, CancellationToken interrupt)
    {
        var graph = new DynamicPrompt(nodes);
        var run = new PromptRun(promptId, promptJson, extraData, graph, folders);
        var tables = Interlocked.Exchange(ref _spareTables, null) ?? new RunTables();
        var state = new RunState(this, run, new ExecutionScope(promptId, run.ClientId), _registry, _cache, _events, _time, tables, interrupt);
        try
        {
            return await state.RunAsync(outputs).ConfigureAwait(false);
        }
        finally
        {
            _cache.EndPrompt();
            // The run is over (its node tasks drained): the next prompt takes the tables.
            if (tables.TryClear()) Volatile.Write(ref _spareTables, tables);
        }
    }

    /// <summary>Lets go of the tables kept for the next prompt (an idle server hands their memory back).</summary>
    public void ReleaseScratch() => Volatile.Write(ref _spareTables, null);

    /// <summary>Milliseconds since the epoch, as in ComfyUI's recorded messages.</summary>
    internal long Timestamp() => _time.GetUtcNow().ToUnixTimeMilliseconds();
}
