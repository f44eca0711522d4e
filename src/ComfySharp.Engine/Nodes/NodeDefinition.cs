namespace ComfySharp.Engine.Nodes;

/// <summary>A registered node class: its schema, how to make an instance and which optional hooks it has.</summary>
public sealed class NodeDefinition
{
    internal NodeDefinition(NodeSchema schema, Func<IExecutableNode> create, Func<NodeArgs, object?>? fingerprint,
        Func<NodeArgs, IReadOnlyDictionary<string, string>?, CancellationToken, ValueTask<ValidationResult>>? validate, bool hasLazyCheck)
    {
        Schema = schema;
        Create = create;
        Fingerprint = fingerprint;
        Validate = validate;
        HasLazyCheck = hasLazyCheck;
        var lazy = false;
        var hidden = false;
        foreach (var input in schema.Inputs)
        {
            lazy |= input.Lazy;
            hidden |= input.Section == InputSection.Hidden;
            if (input.Section == InputSection.Hidden && input.Type == HiddenKind.UniqueId) UsesUniqueId = true;
        }
        HasLazyInputs = lazy;
        HasHiddenInputs = hidden;
    }

    public NodeSchema Schema { get; }
    public string ClassType => Schema.Name;
    public Func<IExecutableNode> Create { get; }
    public Func<NodeArgs, object?>? Fingerprint { get; }
    public Func<NodeArgs, IReadOnlyDictionary<string, string>?, CancellationToken, ValueTask<ValidationResult>>? Validate { get; }
    public bool HasLazyCheck { get; }
    public bool HasLazyInputs { get; }
    public bool HasHiddenInputs { get; }
    /// <summary>A <c>UNIQUE_ID</c> hidden input makes the node id part of the cache key, as in ComfyUI.</summary>
    public bool UsesUniqueId { get; }
}
