using System.Text.Json.Nodes;
using ComfySharp.Engine.Caching;
using ComfySharp.Engine.Graph;
using ComfySharp.Engine.Nodes;
using System.Runtime.CompilerServices;

namespace ComfySharp.Engine.Execution;

/// <summary>The state of one prompt run; all of it is touched only by the run loop, never by node tasks.</summary>
internal sealed partial class RunState
{
    private readonly PromptExecutor _executor;
    private readonly NodeRegistry _registry;
    private readonly OutputCache _cache;
    private readonly IExecutionEvents _events;
    private readonly PromptRun _run;
    private readonly DynamicPrompt _graph;
    private readonly ExecutionScope _scope;
    private readonly CancellationToken _interrupt;
    private readonly CancellationTokenSource _nodeCts;
    private readonly SignatureTable _signatures;
    private readonly ProgressRegistry _progress;
    private readonly ExecutionList _list;
    // What the run knows per node, at the node's index in the graph: result, signature, staging.
    private readonly RunTables _tables;
    private readonly Dictionary<string, CallOutcome[]> _pendingSubgraphs = new(StringComparer.Ordinal);
    private readonly Dictionary<Task<CallOutcome[]>, NodeCalls> _inflight = [];
    private readonly List<string> _executed;
    private readonly JsonArray _messages = [];
    private readonly JsonObject _uiOutputs = [];
    private readonly JsonObject _meta = [];
    private string? _currentNode;
    // The gathered inputs of the last node that finished within its start, reused by the next: a node in flight or
    // failed keeps its table (its failure reports it), so only those allocate one.
    private GatheredInputs? _spareInputs;
    // The outcome of a node's only call, reused by every node that completes within its start (see StartNodeAsync).
    private readonly CallOutcome[] _oneOutcome = new CallOutcome[1];

    public RunState(PromptExecutor executor, PromptRun run, ExecutionScope scope, NodeRegistry registry, OutputCache cache,
        IExecutionEvents events, TimeProvider time, RunTables tables, CancellationToken interrupt)
    {
        _executor = executor;
        _registry = registry;
        _cache = cache;
        _events = events;
        _run = run;
        _graph = run.Graph;
        _scope = scope;
        _interrupt = interrupt;
        _nodeCts = CancellationTokenSource.CreateLinkedTokenSource(interrupt);
        // Sized for the prompt up front (on long graphs growing tables were a large share of the bytes per node), and the
        // executor's from one prompt to the next; the progress table is not, as node tasks left behind may still report to it.
        _tables = tables;
        tables.Reserve(_graph.Count);
        _executed = tables.Executed;
        _signatures = new SignatureTable(registry, _graph, tables);
        _progress = new ProgressRegistry(scope, _graph, events, time);
        _list = new ExecutionList(_graph, registry, tables);
    }

    public async Task<ExecutionOutcome> RunAsync(IReadOnlyList<string> outputs)
    {
        try
        {
            var start = _executor.Timestamp();
            AddMessage("execution_start", new JsonObject { ["prompt_id"] = _scope.PromptId, ["timestamp"] = start });
            _events.ExecutionStart(_scope, start);

            var cached = PrimeFromCache();
            var cachedAt = _executor.Timestamp();
            var cachedJson = new JsonArray();
            foreach (var id in cached) cachedJson.Add(id);
            AddMessage("execution_cached", new JsonObject { ["nodes"] = cachedJson, ["prompt_id"] = _scope.PromptId, ["timestamp"] = cachedAt });
            _events.ExecutionCached(_scope, cached, cachedAt);

            foreach (var output in outputs)
            {
                // Outputs are nodes of the prompt (validation checked them); an unknown id would stage nothing.
                var index = _graph.IndexOf(output);
                if (index >= 0) _list.AddNode(index);
            }
            return await LoopAsync().ConfigureAwait(false);
        }
        finally
        {
            await DrainInflightAsync().ConfigureAwait(false);
            _nodeCts.Dispose();
        }
    }

    private async Task<ExecutionOutcome> LoopAsync()
    {
        try
        {
            while (true)
            {
                while (_list.TryTakeReady(out var index))
                {
                    _interrupt.ThrowIfCancellationRequested();
                    _currentNode = _graph.NodeAt(index).Id;
                    var failure = await StartNodeAsync(index).ConfigureAwait(false);
                    if (failure is not null) return Fail(failure);
                }
                if (_inflight.Count > 0)
                {
                    var done = await Task.WhenAny(_inflight.Keys).ConfigureAwait(false);
                    _inflight.Remove(done, out var calls);
                    _currentNode = calls!.Node.Id;
                    var failure = Complete(calls, await done.ConfigureAwait(false));
                    if (failure is not null) return Fail(failure);
                    continue;
                }
                if (_list.StagedCount > 0) return Fail(CycleFailure());
                break;
            }
        }
        catch (OperationCanceledException) when (_interrupt.IsCancellationRequested)
        {
            return Interrupted();
        }

        var at = _executor.Timestamp();
        AddMessage("execution_success", new JsonObject { ["prompt_id"] = _scope.PromptId, ["timestamp"] = at });
        _events.ExecutionSuccess(_scope, at);
        return new ExecutionOutcome(ExecutionStatus.Success, _messages, _uiOutputs, _meta);
    }

    /// <summary>Computes every node's signature, loads the cache's hits, and lets the cache drop what this prompt does not use.</summary>
    // Once per prompt over every node: compiled optimized at once (see RawPrompt.TryRead).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private List<string> PrimeFromCache()
    {
        // The lookups mark what the prompt uses (every node's signature is looked up), so no set of them is built.
        _cache.BeginLookups();
        var cached = new List<string>();
        for (var i = 0; i < _graph.OriginalCount; i++)
        {
            if (_cache.TryGet(_signatures.Get(i), out var result))
            {
                ref var slot = ref _tables[i];
                slot.Result = result;
                slot.Set(NodeFlags.HasResult, true);
                cached.Add(_graph.NodeAt(i).Id);
            }
        }
        _cache.DropUnused();
        return cached;
    }

    private bool HasResult(int index) => index >= 0 && _tables[index].Has(NodeFlags.HasResult);

    private async Task DrainInflightAsync()
    {
        if (_inflight.Count == 0) return;
        await _nodeCts.CancelAsync().ConfigureAwait(false);
        foreach (var task in _inflight.Keys)
        {
            try
            {
                await task.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The prompt already failed or was interrupted; stray node tasks only need to finish.
            }
        }
        _inflight.Clear();
    }

    private void AddMessage(string type, JsonObject data) => _messages.Add(new JsonArray(type, data));
}
