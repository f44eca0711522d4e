using System.Text.Json.Nodes;

namespace ComfySharp.Engine.Nodes;

/// <summary>
/// What one call of a node returns: a value per output slot (an <see cref="IReadOnlyList{T}"/> for list outputs),
/// optional UI data for the <c>executed</c> event, and optionally a subgraph to expand into.
/// </summary>
public sealed class NodeOutput
{
    public static readonly NodeOutput Empty = new([], null, null);

    private NodeOutput(object?[] values, JsonObject? ui, GraphExpansion? expansion)
    {
        Values = values;
        Ui = ui;
        Expansion = expansion;
    }

    public object?[] Values { get; }
    /// <summary>UI data: every key maps to a JSON array; calls over lists concatenate them.</summary>
    public JsonObject? Ui { get; }
    public GraphExpansion? Expansion { get; }

    public static NodeOutput From(params object?[] values) => new(values, null, null);

    public static NodeOutput WithUi(JsonObject ui, params object?[] values) => new(values, ui, null);

    /// <summary>Expand into <paramref name="graph"/>; each result is a <see cref="NodeLink"/> into it or a plain value.</summary>
    public static NodeOutput Expand(GraphExpansion graph) => new(graph.Results, null, graph);
}
