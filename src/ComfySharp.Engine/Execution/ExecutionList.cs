using ComfySharp.Engine.Graph;
using ComfySharp.Engine.Nodes;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ComfySharp.Engine.Execution;

/// <summary>
/// The nodes staged for execution and what blocks them (ComfyUI's ExecutionList): in-degree counters and a ready
/// queue, so scheduling is O(n) and never recursive. Links on lazy inputs are not dependencies until the node asks.
/// </summary>
internal sealed class ExecutionList(DynamicPrompt graph, NodeRegistry registry, Func<string, bool> hasResult, Dictionary<string, ExecutionList.Staged> staged)
{
    private readonly DynamicPrompt _graph = graph;
    private readonly NodeRegistry _registry = registry;
    private readonly Func<string, bool> _hasResult = hasResult;
    private readonly Dictionary<string, Staged> _staged = staged; // empty; the run's (RunTables)
    private readonly Queue<string> _ready = new();

    public int StagedCount => _staged.Count;

    public IEnumerable<string> StagedIds => _staged.Keys;

    public bool IsStaged(string id) => _staged.ContainsKey(id);

    /// <summary>Stages <paramref name="id"/> and, walking links backwards, every ancestor without a result.</summary>
    // Once per prompt over every node: compiled optimized at once (see RawPrompt.TryRead).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddNode(string id)
    {
        if (!_staged.TryAdd(id, default)) return;
        var work = new Stack<string>();
        work.Push(id);
        while (work.Count > 0)
        {
            var current = work.Pop();
            if (_graph.TryGetNode(current, out var node))
            {
                _registry.TryGet(node.ClassType, out var definition);
                var inputs = node.Inputs;
                for (var i = 0; i < inputs.Count; i++)
                {
                    if (!inputs.TryGetLinkAt(i, out var link)) continue;
                    if (definition?.Schema.FindInput(inputs.NameAt(i)) is { Lazy: true }) continue;
                    if (_hasResult(link.NodeId) || !_graph.HasNode(link.NodeId)) continue;
                    if (_staged.TryAdd(link.NodeId, default)) work.Push(link.NodeId);
                    Link(link.NodeId, current);
                }
            }
            ref var staged = ref Entry(current);
            if (staged.Blockers == 0) MarkReady(current, ref staged);
        }
    }

    /// <summary>Makes <paramref name="to"/> wait for <paramref name="from"/> (a lazy input it now needs, or an expansion result).</summary>
    public void AddStrongLink(string from, string to)
    {
        if (_hasResult(from)) return;
        AddNode(from);
        Link(from, to);
    }

    public bool TryTakeReady(out string id)
    {
        while (_ready.TryDequeue(out id!))
        {
            ref var staged = ref CollectionsMarshal.GetValueRefOrNullRef(_staged, id);
            if (!Unsafe.IsNullRef(ref staged) && staged.Queued)
            {
                staged.Queued = false;
                return true;
            }
        }
        return false;
    }

    /// <summary>A node that went back to pending (lazy inputs, expansion) is ready again once nothing blocks it.</summary>
    public void Requeue(string id)
    {
        ref var staged = ref Entry(id);
        if (staged.Blockers == 0) MarkReady(id, ref staged);
    }

    /// <summary>The node produced its result: it leaves the list and unblocks its dependents.</summary>
    public void Complete(string id)
    {
        if (!_staged.Remove(id, out var staged) || staged.FirstDependent is not { } first) return;
        Unblock(first);
        if (staged.MoreDependents is null) return;
        foreach (var dependent in staged.MoreDependents) Unblock(dependent);
    }

    private void Unblock(string dependent)
    {
        ref var d = ref CollectionsMarshal.GetValueRefOrNullRef(_staged, dependent);
        if (!Unsafe.IsNullRef(ref d) && --d.Blockers == 0) MarkReady(dependent, ref d);
    }

    private void Link(string from, string to)
    {
        ref var source = ref Entry(from);
        if (source.FirstDependent is null) source.FirstDependent = to;
        else (source.MoreDependents ??= []).Add(to);
        ref var target = ref Entry(to);
        target.Blockers++;
        target.Queued = false;
    }

    private void MarkReady(string id, ref Staged staged)
    {
        if (staged.Queued) return;
        staged.Queued = true;
        _ready.Enqueue(id);
    }

    /// <summary>A staged node's entry, in place (valid until the table changes).</summary>
    private ref Staged Entry(string id)
    {
        ref var staged = ref CollectionsMarshal.GetValueRefOrNullRef(_staged, id);
        if (Unsafe.IsNullRef(ref staged)) throw new KeyNotFoundException($"Node '{id}' is not staged.");
        return ref staged;
    }

    // A struct in the table: a long graph stages every node at once, and an object per node stayed for the whole prompt.
    internal struct Staged
    {
        public int Blockers;
        public bool Queued;
        // Most nodes feed one other: the first dependent inline, any further ones in order after it.
        public string? FirstDependent;
        public List<string>? MoreDependents;
    }
}
