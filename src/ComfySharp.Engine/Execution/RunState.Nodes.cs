using System.Text.Json.Nodes;
using ComfySharp.Engine.Caching;
using ComfySharp.Engine.Graph;
using ComfySharp.Engine.Nodes;

namespace ComfySharp.Engine.Execution;

internal sealed partial class RunState
{
    /// <summary>Runs or re-stages one ready node. Returns a failure, or null when it succeeded, went pending or is in flight.</summary>
    private async ValueTask<NodeFailure?> StartNodeAsync(int index)
    {
        var node = _graph.NodeAt(index);
        var id = node.Id;
        if (!_registry.TryGet(node.ClassType, out var definition))
        {
            return new NodeFailure(id, new InvalidOperationException($"Node class '{node.ClassType}' does not exist."), null);
        }

        if (HasResult(index))
        {
            // A cached output node is staged again only to report its UI (protocol.md §6.6). Unlike ComfyUI v0.26 we
            // record it in history even without a client id, so a fully cached prompt still shows its outputs.
            var cachedUi = _tables[index].Result.Ui;
            _events.Executed(_scope, id, _graph.GetDisplayNodeId(id), cachedUi);
            if (cachedUi is { Count: > 0 }) RecordUi(id, cachedUi);
            FinishNode(index, id);
            return null;
        }

        if (_pendingSubgraphs.Count > 0 && _pendingSubgraphs.Remove(id, out var expanded))
        {
            return StoreMerged(index, id, definition, expanded, resolveLinks: true);
        }

        var inputs = GatherInputs(node, definition);
        var calls = new NodeCalls(index, node, definition, inputs);
        _progress.Start(id);
        _events.Executing(_scope, id, _graph.GetDisplayNodeId(id));

        var hidden = HiddenValues(node, definition);
        var args = calls.BuildArgs(hidden);
        if (definition.HasLazyCheck && definition.HasLazyInputs)
        {
            try
            {
                if (await RequestLazyInputsAsync(calls, args).ConfigureAwait(false))
                {
                    _spareInputs = inputs;
                    return null;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !_interrupt.IsCancellationRequested)
            {
                return new NodeFailure(id, ex, inputs.ToDictionary());
            }
        }

        // One call, the usual case, collects into the run's scratch array; an array that outlives this start is the node's own.
        var outcomes = args.Count == 1 ? _oneOutcome : new CallOutcome[args.Count];
        List<(int Index, ValueTask<NodeOutput> Task)>? pending = null;
        for (var i = 0; i < args.Count; i++)
        {
            var blocker = NodeCalls.FindBlocker(args[i], definition.Schema.InputIsList);
            if (blocker is not null)
            {
                outcomes[i] = CallOutcome.Blocked(ReportBlocked(id, node.ClassType, blocker));
                continue;
            }
            _interrupt.ThrowIfCancellationRequested();
            try
            {
                var instance = definition.Create();
                var task = instance.ExecuteAsync(args[i], CreateContext(id, node.ClassType, i), _nodeCts.Token);
                if (task.IsCompletedSuccessfully) outcomes[i] = CallOutcome.Ok(task.Result);
                else (pending ??= []).Add((i, task));
            }
            catch (Exception ex)
            {
                outcomes[i] = CallOutcome.Failed(ex);
                break;
            }
        }

        if (pending is null)
        {
            var failure = Complete(calls, outcomes);
            if (failure is null) _spareInputs = inputs;
            return failure;
        }
        // Async calls run on while other ready nodes execute (ComfyUI overlaps async nodes the same way).
        if (ReferenceEquals(outcomes, _oneOutcome)) outcomes = [outcomes[0]];
        _inflight[AwaitCallsAsync(outcomes, pending)] = calls;
        return null;
    }

    private static async Task<CallOutcome[]> AwaitCallsAsync(CallOutcome[] outcomes, List<(int Index, ValueTask<NodeOutput> Task)> pending)
    {
        foreach (var (index, task) in pending)
        {
            try
            {
                outcomes[index] = CallOutcome.Ok(await task.ConfigureAwait(false));
            }
            catch (Exception ex)
            {
                outcomes[index] = CallOutcome.Failed(ex);
            }
        }
        return outcomes;
    }

    /// <summary>Asks the node which lazy inputs it needs; unevaluated ones become dependencies and the node waits.</summary>
    private async ValueTask<bool> RequestLazyInputsAsync(NodeCalls calls, CallArgs args)
    {
        var id = calls.Node.Id;
        var index = calls.Index;
        var added = false;
        for (var i = 0; i < args.Count; i++)
        {
            var lazy = (ILazyInputs)calls.Definition.Create();
            var needed = await lazy.CheckLazyStatusAsync(args[i], CreateContext(id, calls.Node.ClassType, i), _nodeCts.Token).ConfigureAwait(false);
            foreach (var name in needed)
            {
                var inputs = calls.Node.Inputs;
                var at = inputs.IndexOf(name);
                if (at < 0 || !inputs.TryGetLinkAt(at, out var link)) continue;
                var source = _graph.IndexOf(link.NodeId);
                if (source < 0 || HasResult(source)) continue;
                _list.AddStrongLink(source, index);
                added = true;
            }
        }
        if (added) _list.Requeue(index);
        return added;
    }

    /// <summary>Collects a node's calls: failures end the prompt, expansions stage their subgraph, results are stored.</summary>
    private NodeFailure? Complete(NodeCalls calls, CallOutcome[] outcomes)
    {
        var id = calls.Node.Id;
        var index = calls.Index;
        foreach (var outcome in outcomes)
        {
            if (outcome.Error is null) continue;
            if (outcome.Error is OperationCanceledException && _interrupt.IsCancellationRequested) throw new OperationCanceledException(_interrupt);
            return new NodeFailure(id, outcome.Error, calls.Inputs.ToDictionary());
        }

        var expands = false;
        foreach (var outcome in outcomes) expands |= outcome.Output?.Expansion is not null;
        if (!expands) return StoreMerged(index, id, calls.Definition, outcomes, resolveLinks: false);

        foreach (var outcome in outcomes)
        {
            if (outcome.Output?.Expansion is not { } expansion) continue;
            foreach (var (newId, spec) in expansion.Nodes)
            {
                if (_graph.HasNode(newId))
                {
                    return new NodeFailure(id, new InvalidOperationException($"Expansion of node '{id}' reuses the node id '{newId}'."),
                        calls.Inputs.ToDictionary());
                }
                _graph.AddEphemeral(new PromptNode(newId, spec.ClassType, InputDictionary.From(spec.Inputs)), id,
                    spec.OverrideDisplayId);
            }
            _tables.EnsureNodes(_graph.Count);
            foreach (var (newId, spec) in expansion.Nodes)
            {
                if (_registry.TryGet(spec.ClassType, out var d) && d.Schema.OutputNode) _list.AddNode(_graph.IndexOf(newId));
            }
            foreach (var result in expansion.Results)
            {
                if (result is NodeLink link) _list.AddStrongLink(_graph.IndexOf(link.NodeId), index);
            }
        }
        _pendingSubgraphs[id] = ReferenceEquals(outcomes, _oneOutcome) ? [outcomes[0]] : outcomes;
        _list.Requeue(index);
        return null;
    }

    private NodeFailure? StoreMerged(int index, string id, NodeDefinition definition, CallOutcome[] outcomes, bool resolveLinks)
    {
        var slots = definition.Schema.Outputs;
        if (outcomes.Length == 1 && !resolveLinks)
        {
            // One call, the usual case: each slot's list is that call's value (or its blocker), built directly.
            var only = outcomes[0];
            var onlyUi = only.Output?.Ui is { } callUi ? MergeUi(null, callUi) : null;
            if (slots.Count == 1)
            {
                var first = only.Blocker ?? (only.Output!.Values.Length > 0 ? only.Output.Values[0] : null);
                if (!slots[0].IsList || first is not IReadOnlyList<object?>) return Store(index, id, CachedResult.OneValue(first, onlyUi));
            }
            var merged = new IReadOnlyList<object?>[slots.Count];
            for (var s = 0; s < slots.Count; s++)
            {
                if (only.Blocker is { } blocker)
                {
                    merged[s] = new object?[] { blocker };
                    continue;
                }
                var values = only.Output!.Values;
                var value = s < values.Length ? values[s] : null;
                merged[s] = slots[s].IsList && value is IReadOnlyList<object?> many ? new List<object?>(many) : new object?[] { value };
            }
            return Store(index, id, new CachedResult(merged, onlyUi));
        }

        var lists = new List<object?>[slots.Count];
        for (var s = 0; s < slots.Count; s++) lists[s] = new List<object?>(outcomes.Length);
        JsonObject? ui = null;
        foreach (var outcome in outcomes)
        {
            for (var s = 0; s < slots.Count; s++)
            {
                if (outcome.Blocker is { } blocker)
                {
                    lists[s].Add(blocker);
                    continue;
                }
                var values = outcome.Output!.Values;
                var value = s < values.Length ? values[s] : null;
                if (resolveLinks && outcome.Output.Expansion is not null && value is NodeLink link)
                {
                    var from = _graph.IndexOf(link.NodeId);
                    if (!HasResult(from) || link.OutputIndex >= _tables[from].Result.SlotCount)
                    {
                        return new NodeFailure(id, new InvalidOperationException($"Expansion result link {link} of node '{id}' has no value."), null);
                    }
                    var source = _tables[from].Result;
                    if (source.TryGetOnly(out var only)) lists[s].Add(only);
                    else lists[s].AddRange(source.Outputs[link.OutputIndex]);
                }
                else if (slots[s].IsList && value is IReadOnlyList<object?> many)
                {
                    lists[s].AddRange(many);
                }
                else
                {
                    lists[s].Add(value);
                }
            }
            if (outcome.Output?.Ui is { } callUi) ui = MergeUi(ui, callUi);
        }
        var all = new IReadOnlyList<object?>[slots.Count];
        for (var s = 0; s < slots.Count; s++) all[s] = lists[s];
        return Store(index, id, new CachedResult(all, ui));
    }

    private NodeFailure? Store(int index, string id, CachedResult result)
    {
        var ui = result.Ui;
        ref var slot = ref _tables[index];
        slot.Result = result;
        slot.Set(NodeFlags.HasResult, true);
        _cache.Set(_signatures.Get(index), result);
        if (ui is { Count: > 0 })
        {
            _events.Executed(_scope, id, _graph.GetDisplayNodeId(id), ui);
            RecordUi(id, ui);
        }
        FinishNode(index, id);
        return null;
    }

    private void FinishNode(int index, string id)
    {
        _progress.Finish(id);
        _executed.Add(id);
        _list.Complete(index);
    }

    private void RecordUi(string id, JsonObject ui)
    {
        _uiOutputs[id] = ui.DeepClone();
        _meta[id] = new JsonObject
        {
            ["node_id"] = id,
            ["display_node"] = _graph.GetDisplayNodeId(id),
            ["parent_node"] = _graph.GetParentNodeId(id),
            ["real_node_id"] = _graph.GetRealNodeId(id),
        };
    }

    /// <summary>UI dicts of several calls merge key by key, lists concatenated.</summary>
    private static JsonObject MergeUi(JsonObject? into, JsonObject add)
    {
        if (into is null) return (JsonObject)add.DeepClone();
        foreach (var (key, value) in add)
        {
            if (into[key] is JsonArray existing && value is JsonArray more)
            {
                foreach (var item in more) existing.Add(item?.DeepClone());
            }
            else
            {
                into[key] = value?.DeepClone();
            }
        }
        return into;
    }

    private GatheredInputs GatherInputs(PromptNode node, NodeDefinition definition)
    {
        var inputs = _spareInputs ?? new GatheredInputs();
        _spareInputs = null;
        inputs.Clear();
        var schema = definition.Schema;
        var given = node.Inputs;
        for (var i = 0; i < given.Count; i++)
        {
            var name = given.NameAt(i);
            var spec = schema.FindInput(name);
            if (given.TryGetLinkAt(i, out var link))
            {
                if (spec is { RawLink: true })
                {
                    inputs.AddConstant(name, link);
                }
                else if (_graph.IndexOf(link.NodeId) is var from && HasResult(from) && link.OutputIndex < _tables[from].Result.SlotCount)
                {
                    var source = _tables[from].Result;
                    // A one-value output is gathered as its value: a list of one, as a constant is.
                    if (source.TryGetOnly(out var only)) inputs.AddConstant(name, only);
                    else inputs.AddList(name, source.Outputs[link.OutputIndex]);
                }
                // else: a lazy input not evaluated (yet); it stays absent
            }
            else if (spec is not null)
            {
                // Hidden inputs given a value in the prompt are passed on too (TestForLoopOpen's initial_value0 relies on it).
                inputs.AddConstant(name, given.ConstantAt(i));
            }
            // Undeclared constants are dropped, as in ComfyUI; undeclared links are passed on (variadic nodes).
        }
        return inputs;
    }

    private Dictionary<string, object?> HiddenValues(PromptNode node, NodeDefinition definition)
    {
        if (!definition.HasHiddenInputs) return Empty;
        var hidden = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var spec in definition.Schema.Inputs)
        {
            if (spec.Section != InputSection.Hidden || node.Inputs.ContainsKey(spec.Name)) continue;
            switch (spec.Type)
            {
                case HiddenKind.Prompt:
                    hidden[spec.Name] = _run.PromptJson;
                    break;
                case HiddenKind.ExtraPngInfo:
                    hidden[spec.Name] = _run.ExtraData["extra_pnginfo"];
                    break;
                case HiddenKind.UniqueId:
                    hidden[spec.Name] = node.Id;
                    break;
                case HiddenKind.DynPrompt:
                    hidden[spec.Name] = _graph;
                    break;
                case "AUTH_TOKEN_COMFY_ORG" or "API_KEY_COMFY_ORG" or "COMFY_USAGE_SOURCE":
                    hidden[spec.Name] = _run.ExtraData[spec.Type.ToLowerInvariant()]?.DeepClone();
                    break;
            }
        }
        return hidden;
    }

    private static readonly Dictionary<string, object?> Empty = [];

    private NodeContext CreateContext(string id, string classType, int callIndex) => new(id, _graph.GetDisplayNodeId(id), _graph.GetRealNodeId(id),
        _graph.GetParentNodeId(id), classType, _run, _progress, callIndex);
}
