namespace ComfySharp.Engine.Nodes;

/// <summary>
/// Builds an expansion with ids that cannot clash: each id is prefixed with
/// <c>"&lt;node id&gt;.&lt;call index&gt;.&lt;graph index&gt;."</c> as ComfyUI's GraphBuilder does.
/// </summary>
public sealed class GraphBuilder(string prefix)
{
    private readonly Dictionary<string, BuilderNode> _nodes = [];
    private int _nextId;

    public string Prefix { get; } = prefix;

    public BuilderNode Node(string classType, string? id = null)
    {
        var fullId = Prefix + (id ?? (_nextId++).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var node = new BuilderNode(fullId, classType);
        _nodes[fullId] = node;
        return node;
    }

    public BuilderNode? Lookup(string id) => _nodes.GetValueOrDefault(Prefix + id);

    public GraphExpansion Finalize(params object?[] results)
    {
        var nodes = new Dictionary<string, ExpansionNode>(_nodes.Count);
        foreach (var (id, node) in _nodes)
        {
            nodes[id] = new ExpansionNode(node.ClassType, new Dictionary<string, object?>(node.Inputs), node.OverrideDisplayId);
        }
        return new GraphExpansion(nodes, results);
    }
}

/// <summary>A node under construction in a <see cref="GraphBuilder"/>.</summary>
public sealed class BuilderNode(string id, string classType)
{
    public string Id { get; } = id;
    public string ClassType { get; } = classType;
    public Dictionary<string, object?> Inputs { get; } = [];
    public string? OverrideDisplayId { get; set; }

    public NodeLink Out(int index) => new(Id, index);

    /// <summary>Sets an input; <c>null</c> removes it, as ComfyUI's GraphBuilder does.</summary>
    public BuilderNode Set(string inputName, object? value)
    {
        if (value is null) Inputs.Remove(inputName);
        else Inputs[inputName] = value;
        return this;
    }
}
