namespace ComfySharp.Engine.Nodes;

/// <summary>A subgraph a node expands into (ComfyUI's <c>{"result": …, "expand": …}</c>).</summary>
public sealed class GraphExpansion(IReadOnlyDictionary<string, ExpansionNode> nodes, object?[] results)
{
    public IReadOnlyDictionary<string, ExpansionNode> Nodes { get; } = nodes;
    /// <summary>One entry per output slot of the expanding node: a <see cref="NodeLink"/> into <see cref="Nodes"/> or a value.</summary>
    public object?[] Results { get; } = results;
}

/// <summary>A node of an expansion; input values are <see cref="NodeLink"/>s or constants of any type.</summary>
public sealed record ExpansionNode(string ClassType, IReadOnlyDictionary<string, object?> Inputs, string? OverrideDisplayId = null);
