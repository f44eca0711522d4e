using System.Runtime.CompilerServices;

namespace ComfySharp.Engine.Graph;

/// <summary>
/// The prompt being executed plus the ephemeral nodes that expansions add to it (ComfyUI's DynamicPrompt).
/// Ephemeral nodes remember their parent (the expanding node), their display id and their real (top-level) id.
/// </summary>
public sealed class DynamicPrompt
{
    private readonly Dictionary<string, PromptNode> _original;
    private readonly List<string> _originalOrder;
    private readonly Dictionary<string, Ephemeral> _ephemeral = [];

    // Once per prompt over every node: compiled optimized at once (see RawPrompt.TryRead).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public DynamicPrompt(IReadOnlyList<PromptNode> nodes)
    {
        _original = new Dictionary<string, PromptNode>(nodes.Count);
        _originalOrder = new List<string>(nodes.Count);
        foreach (var node in nodes)
        {
            _original[node.Id] = node;
            _originalOrder.Add(node.Id);
        }
    }

    /// <summary>Ids of the prompt's own nodes, in the order the client sent them.</summary>
    public IReadOnlyList<string> OriginalNodeIds => _originalOrder;

    public int Count => _original.Count + _ephemeral.Count;

    public bool HasNode(string id) => _original.ContainsKey(id) || _ephemeral.ContainsKey(id);

    public bool IsEphemeral(string id) => _ephemeral.ContainsKey(id);

    public bool TryGetNode(string id, out PromptNode node)
    {
        if (_original.TryGetValue(id, out node!)) return true;
        if (_ephemeral.TryGetValue(id, out var e))
        {
            node = e.Node;
            return true;
        }
        return false;
    }

    public PromptNode GetNode(string id) =>
        TryGetNode(id, out var node) ? node : throw new KeyNotFoundException($"Node '{id}' is not part of the prompt.");

    public string? GetParentNodeId(string id) => _ephemeral.TryGetValue(id, out var e) ? e.ParentId : null;

    public string GetRealNodeId(string id) => _ephemeral.TryGetValue(id, out var e) ? e.RealId : id;

    public string GetDisplayNodeId(string id) => _ephemeral.TryGetValue(id, out var e) ? e.DisplayId : id;

    internal void AddEphemeral(PromptNode node, string parentId, string? overrideDisplayId)
    {
        var realId = GetRealNodeId(parentId);
        var displayId = overrideDisplayId ?? GetDisplayNodeId(parentId);
        _ephemeral[node.Id] = new Ephemeral(node, parentId, realId, displayId);
    }

    private sealed record Ephemeral(PromptNode Node, string ParentId, string RealId, string DisplayId);
}
