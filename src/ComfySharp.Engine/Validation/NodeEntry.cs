using System.Text.Json.Nodes;
using ComfySharp.Engine.Nodes;

namespace ComfySharp.Engine.Validation;

/// <summary>Validation state of one node of the prompt.</summary>
internal sealed class NodeEntry(string id, NodeDefinition definition, JsonObject json, JsonObject inputs, string? title)
{
    public string Id { get; } = id;
    public NodeDefinition Definition { get; } = definition;
    public JsonObject Json { get; } = json;
    public JsonObject Inputs { get; } = inputs;
    public string? Title { get; } = title;
    public bool IsOutput { get; set; }
    public bool InCycle { get; set; }
    // Tarjan's bookkeeping lives on the entry: identity-hashed dictionaries of entries cost more than the whole walk.
    public int CycleIndex { get; set; } = -1;
    public int CycleLow { get; set; }
    public bool CycleOnStack { get; set; }
    /// <summary>0 = not reached, 1 = on the walk stack, 2 = validated.</summary>
    public byte State { get; set; }
    public bool Visited => State == 2;
    public bool Valid { get; set; }
    public List<JsonObject> Errors { get; } = [];
    /// <summary>The entries this one links to on declared inputs, taken once before validation rewrites any input.</summary>
    public List<NodeEntry>? Sources { get; set; }
    /// <summary>Constants after coercion and checked links (<see cref="NodeLink"/>), by input name, in schema order.</summary>
    public Dictionary<string, object?>? Typed { get; set; }
}
