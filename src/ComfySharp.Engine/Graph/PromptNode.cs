namespace ComfySharp.Engine.Graph;

/// <summary>
/// A node of a prompt after parsing: its class and inputs, each a <see cref="Nodes.NodeLink"/> or a constant
/// (typed by validation: long, double, string, bool, or JSON for open values; any object inside expansions).
/// </summary>
public sealed class PromptNode(string id, string classType, InputDictionary inputs)
{
    public PromptNode(string id, string classType, Dictionary<string, object?> inputs)
        : this(id, classType, InputDictionary.From(inputs))
    {
    }

    public string Id { get; } = id;
    public string ClassType { get; } = classType;
    public InputDictionary Inputs { get; } = inputs;
    /// <summary><c>_meta.title</c> when the client sent one.</summary>
    public string? Title { get; init; }
}
