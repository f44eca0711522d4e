using ComfySharp.Engine.Graph;
using ComfySharp.Engine.Nodes;
using System.Runtime.CompilerServices;

namespace ComfySharp.Engine.Execution;

/// <summary>
/// The nodes staged for execution and what blocks them (ComfyUI's ExecutionList): in-degree counters and a ready
/// queue, so scheduling is O(n) and never recursive. Links on lazy inputs are not dependencies until the node asks.
/// </summary>
internal sealed class ExecutionList(DynamicPrompt graph, NodeRegistry registry, Func<string, bool> hasResult)
{
    private readonly DynamicPrompt _graph = graph;
    private readonly NodeRegistry _registry = registry;
    private readonly Func<string, bool> _hasResult = hasResult;
    private readonly Dictionary<string, Staged> _staged = new(graph.Count, StringComparer.Ordinal);
    private readonly Queue<string> _ready = new();

    public int StagedCount => _staged.Count;

    public IEnumerable<string> StagedIds => _staged.Keys;

    public bool IsStaged(string id) => _staged.ContainsKey(id);

    /// <summary>Stages <paramref name="id"/> and, walking links backwards, every ancestor without a result.</summary>
    // Once per prompt over every node: compiled optimized at once (see RawPrompt.TryRead).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddNode(string id)
    {
        if (_staged.ContainsKey(id)) return;
        var work = new Stack<string>();
        _staged[id] = new Staged();
        work.Push(id);
        while (work.Count > 0)
        {
            var current = work.Pop();
            var staged = _staged[current];
            if (_graph.TryGetNode(current, out var node))
            {
                _registry.TryGet(node.ClassType, out var definition);
                foreach (var (name, value) in node.Inputs)
                {
                    if (value is not NodeLink link) continue;
                    if (definition?.Schema.FindInput(name) is { Lazy: true }) continue;
                    if (_hasResult(link.NodeId) || !_graph.HasNode(link.NodeId)) continue;
                    if (!_staged.ContainsKey(link.NodeId))
                    {
                        _staged[link.NodeId] = new Staged();
                        work.Push(link.NodeId);
                    }
                    Link(link.NodeId, current, staged);
                }
            }
            if (staged.Blockers == 0) MarkReady(current, staged);
        }
    }

    /// <summary>Makes <paramref name="to"/> wait for <paramref name="from"/> (a lazy input it now needs, or an expansion result).</summary>
    public void AddStrongLink(string from, string to)
    {
        if (_hasResult(from)) return;
        AddNode(from);
        var target = _staged[to];
        Link(from, to, target);
    }

    public bool TryTakeReady(out string id)
    {
        while (_ready.TryDequeue(out id!))
        {
            if (_staged.TryGetValue(id, out var staged) && staged.Queued)
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
        var staged = _staged[id];
        if (staged.Blockers == 0) MarkReady(id, staged);
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
        if (_staged.TryGetValue(dependent, out var d) && --d.Blockers == 0) MarkReady(dependent, d);
    }

    private void Link(string from, string to, Staged target)
    {
        var source = _staged[from];
        if (source.FirstDependent is null) source.FirstDependent = to;
        else (source.MoreDependents ??= []).Add(to);
        target.Blockers++;
        if (target.Queued) target.Queued = false;
    }

    private void MarkReady(string id, Staged staged)
    {
        if (staged.Queued) return;
        staged.Queued = true;
        _ready.Enqueue(id);
    }

    private sealed class Staged
    {
        public int Blockers;
        public bool Queued;
        // Most nodes feed one other: the first dependent inline, any further ones in order after it.
        public string? FirstDependent;
        public List<string>? MoreDependents;
    }
}
