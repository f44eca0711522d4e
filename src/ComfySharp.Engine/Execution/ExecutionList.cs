using ComfySharp.Engine.Graph;
using ComfySharp.Engine.Nodes;
using System.Runtime.CompilerServices;

namespace ComfySharp.Engine.Execution;

/// <summary>
/// The nodes staged for execution and what blocks them (ComfyUI's ExecutionList): in-degree counters and a ready
/// queue, so scheduling is O(n) and never recursive. Links on lazy inputs are not dependencies until the node asks.
/// Nodes are the graph's indexes; their state is in the run's node slots (<see cref="RunTables"/>).
/// </summary>
internal sealed class ExecutionList(DynamicPrompt graph, NodeRegistry registry, RunTables tables)
{
    private readonly DynamicPrompt _graph = graph;
    private readonly NodeRegistry _registry = registry;
    private readonly RunTables _tables = tables;
    private readonly Queue<int> _ready = tables.Ready;

    public int StagedCount { get; private set; }

    /// <summary>Ids of the staged nodes, in graph order.</summary>
    public IEnumerable<string> StagedIds
    {
        get
        {
            for (var i = 0; i < _graph.Count; i++)
            {
                if (_tables[i].Has(NodeFlags.Staged)) yield return _graph.NodeAt(i).Id;
            }
        }
    }

    public bool IsStaged(int index) => _tables[index].Has(NodeFlags.Staged);

    /// <summary>Stages node <paramref name="index"/> and, walking links backwards, every ancestor without a result.</summary>
    // Once per prompt over every node: compiled optimized at once (see RawPrompt.TryRead).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddNode(int index)
    {
        _tables.EnsureNodes(_graph.Count);
        if (!TryStage(index)) return;
        var work = new Stack<int>();
        work.Push(index);
        while (work.Count > 0)
        {
            var current = work.Pop();
            var node = _graph.NodeAt(current);
            _registry.TryGet(node.ClassType, out var definition);
            var inputs = node.Inputs;
            for (var i = 0; i < inputs.Count; i++)
            {
                if (!inputs.TryGetLinkAt(i, out var link)) continue;
                if (definition?.Schema.FindInput(inputs.NameAt(i)) is { Lazy: true }) continue;
                var source = _graph.IndexOf(link.NodeId);
                if (source < 0 || _tables[source].Has(NodeFlags.HasResult)) continue;
                if (TryStage(source)) work.Push(source);
                Link(source, current);
            }
            ref var staged = ref _tables[current];
            if (staged.Blockers == 0) MarkReady(current, ref staged);
        }
    }

    /// <summary>Makes <paramref name="to"/> wait for <paramref name="from"/> (a lazy input it now needs, or an expansion result).</summary>
    /// <remarks>A source that is not in the graph is no dependency: the node is re-staged and reports the link as having no value.</remarks>
    public void AddStrongLink(int from, int to)
    {
        if (from < 0 || _tables[from].Has(NodeFlags.HasResult)) return;
        AddNode(from);
        if (!_tables[to].Has(NodeFlags.Staged)) throw new KeyNotFoundException($"Node '{_graph.NodeAt(to).Id}' is not staged.");
        Link(from, to);
    }

    public bool TryTakeReady(out int index)
    {
        while (_ready.TryDequeue(out index))
        {
            ref var staged = ref _tables[index];
            if (staged.Has(NodeFlags.Staged) && staged.Has(NodeFlags.Queued))
            {
                staged.Set(NodeFlags.Queued, false);
                return true;
            }
        }
        return false;
    }

    /// <summary>A node that went back to pending (lazy inputs, expansion) is ready again once nothing blocks it.</summary>
    public void Requeue(int index)
    {
        ref var staged = ref _tables[index];
        if (!staged.Has(NodeFlags.Staged)) throw new KeyNotFoundException($"Node '{_graph.NodeAt(index).Id}' is not staged.");
        if (staged.Blockers == 0) MarkReady(index, ref staged);
    }

    /// <summary>The node produced its result: it leaves the list and unblocks its dependents.</summary>
    public void Complete(int index)
    {
        ref var staged = ref _tables[index];
        if (!staged.Has(NodeFlags.Staged)) return;
        var first = staged.FirstDependent - 1;
        var more = staged.MoreDependents;
        staged.Set(NodeFlags.Staged | NodeFlags.Queued, false);
        staged.Blockers = 0;
        staged.FirstDependent = 0;
        staged.MoreDependents = null;
        StagedCount--;
        if (first < 0) return;
        Unblock(first);
        if (more is null) return;
        foreach (var dependent in more) Unblock(dependent);
    }

    private bool TryStage(int index)
    {
        ref var slot = ref _tables[index];
        if (slot.Has(NodeFlags.Staged)) return false;
        slot.Set(NodeFlags.Staged, true);
        StagedCount++;
        return true;
    }

    private void Unblock(int dependent)
    {
        ref var d = ref _tables[dependent];
        if (d.Has(NodeFlags.Staged) && --d.Blockers == 0) MarkReady(dependent, ref d);
    }

    private void Link(int from, int to)
    {
        ref var source = ref _tables[from];
        if (source.FirstDependent == 0) source.FirstDependent = to + 1;
        else (source.MoreDependents ??= []).Add(to);
        ref var target = ref _tables[to];
        target.Blockers++;
        target.Set(NodeFlags.Queued, false);
    }

    private void MarkReady(int index, ref NodeSlot staged)
    {
        if (staged.Has(NodeFlags.Queued)) return;
        staged.Set(NodeFlags.Queued, true);
        _ready.Enqueue(index);
    }
}
