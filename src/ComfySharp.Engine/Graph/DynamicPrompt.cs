using System.Runtime.CompilerServices;

namespace ComfySharp.Engine.Graph;

/// <summary>
/// The prompt being executed plus the ephemeral nodes that expansions add to it (ComfyUI's DynamicPrompt).
/// Ephemeral nodes remember their parent (the expanding node), their display id and their real (top-level) id.
/// </summary>
/// <remarks>
/// Every node has an index: the prompt's own nodes in the client's order, then ephemeral nodes as they are added. The run keeps
/// what it knows about a node at that index, so it looks a node's id up once instead of in a table of its own per fact.
/// </remarks>
public sealed class DynamicPrompt
{
    private readonly Dictionary<string, int> _index;
    private readonly List<PromptNode> _nodes;
    private readonly Dictionary<string, Ephemeral> _ephemeral = [];
    private List<string>? _originalIds;

    // Once per prompt over every node: compiled optimized at once (see RawPrompt.TryRead).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public DynamicPrompt(IReadOnlyList<PromptNode> nodes)
    {
        _index = new Dictionary<string, int>(nodes.Count, StringComparer.Ordinal);
        _nodes = new List<PromptNode>(nodes.Count);
        foreach (var node in nodes)
        {
            // A repeated id (possible only when built by hand) keeps its last node, as the id table did before.
            if (_index.TryGetValue(node.Id, out var at))
            {
                _nodes[at] = node;
                continue;
            }
            _index[node.Id] = _nodes.Count;
            _nodes.Add(node);
        }
        OriginalCount = _nodes.Count;
    }

    /// <summary>Ids of the prompt's own nodes, in the order the client sent them.</summary>
    public IReadOnlyList<string> OriginalNodeIds => _originalIds ??= BuildOriginalIds();

    public int Count => _nodes.Count;

    /// <summary>How many of the nodes are the prompt's own (indexes below it).</summary>
    internal int OriginalCount { get; }

    public bool HasNode(string id) => _index.ContainsKey(id);

    public bool IsEphemeral(string id) => _ephemeral.ContainsKey(id);

    public bool TryGetNode(string id, out PromptNode node)
    {
        if (_index.TryGetValue(id, out var at))
        {
            node = _nodes[at];
            return true;
        }
        node = null!;
        return false;
    }

    public PromptNode GetNode(string id) =>
        TryGetNode(id, out var node) ? node : throw new KeyNotFoundException($"Node '{id}' is not part of the prompt.");

    /// <summary>The node's index, or -1 when it is not part of the prompt.</summary>
    internal int IndexOf(string id) => _index.TryGetValue(id, out var at) ? at : -1;

    internal PromptNode NodeAt(int index) => _nodes[index];

    public string? GetParentNodeId(string id) => _ephemeral.TryGetValue(id, out var e) ? e.ParentId : null;

    public string GetRealNodeId(string id) => _ephemeral.TryGetValue(id, out var e) ? e.RealId : id;

    public string GetDisplayNodeId(string id) => _ephemeral.TryGetValue(id, out var e) ? e.DisplayId : id;

    /// <summary>Adds an expansion's node (its id is new to the prompt) at the next index.</summary>
    internal int AddEphemeral(PromptNode node, string parentId, string? overrideDisplayId)
    {
        var realId = GetRealNodeId(parentId);
        var displayId = overrideDisplayId ?? GetDisplayNodeId(parentId);
        _ephemeral[node.Id] = new Ephemeral(parentId, realId, displayId);
        var index = _nodes.Count;
        _index[node.Id] = index;
        _nodes.Add(node);
        return index;
    }

    private List<string> BuildOriginalIds()
    {
        var ids = new List<string>(OriginalCount);
        for (var i = 0; i < OriginalCount; i++) ids.Add(_nodes[i].Id);
        return ids;
    }

    private sealed record Ephemeral(string ParentId, string RealId, string DisplayId);
}
