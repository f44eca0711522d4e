namespace ComfySharp.Engine.Nodes;

/// <summary>The node classes the server knows, by <c>class_type</c>, in registration order.</summary>
public sealed class NodeRegistry
{
    private readonly Dictionary<string, NodeDefinition> _byName = new(StringComparer.Ordinal);
    private readonly List<NodeDefinition> _ordered = [];

    public IReadOnlyList<NodeDefinition> All => _ordered;

    public int Count => _ordered.Count;

    public NodeRegistry Add<T>() where T : INode, new() => Add(static () => new T());

    /// <summary>
    /// Registers a node class whose instances need construction arguments (a pack's options), optionally with a schema built for
    /// this registry instead of the static one (e.g. a combo listing this server's input folder) and with fingerprint or
    /// validation hooks that replace the static ones (hooks that need the same options).
    /// </summary>
    public NodeRegistry Add<T>(Func<T> create, NodeSchema? schema = null, Func<NodeArgs, object?>? fingerprint = null,
        Func<NodeArgs, IReadOnlyDictionary<string, string>?, CancellationToken, ValueTask<ValidationResult>>? validate = null) where T : INode
    {
        schema ??= T.Schema;
        if (fingerprint is null && typeof(IFingerprintInputs).IsAssignableFrom(typeof(T))) fingerprint = FingerprintOf<T>();
        if (validate is null && typeof(IValidateInputs).IsAssignableFrom(typeof(T))) validate = ValidatorOf<T>();
        var lazy = typeof(ILazyInputs).IsAssignableFrom(typeof(T));
        Register(new NodeDefinition(schema, () => create(), fingerprint, validate, lazy));
        return this;
    }

    public void Register(NodeDefinition definition)
    {
        if (!_byName.TryAdd(definition.ClassType, definition))
        {
            throw new InvalidOperationException($"Node class '{definition.ClassType}' is registered twice.");
        }
        _ordered.Add(definition);
    }

    public bool TryGet(string classType, out NodeDefinition definition) => _byName.TryGetValue(classType, out definition!);

    // Static abstract hooks are reached through a constrained generic so no reflection runs per call.
    private static Func<NodeArgs, object?> FingerprintOf<T>() =>
        (Func<NodeArgs, object?>)typeof(NodeRegistry).GetMethod(nameof(FingerprintHook), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(typeof(T)).Invoke(null, null)!;

    private static Func<NodeArgs, IReadOnlyDictionary<string, string>?, CancellationToken, ValueTask<ValidationResult>> ValidatorOf<T>() =>
        (Func<NodeArgs, IReadOnlyDictionary<string, string>?, CancellationToken, ValueTask<ValidationResult>>)typeof(NodeRegistry)
            .GetMethod(nameof(ValidatorHook), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(typeof(T)).Invoke(null, null)!;

    private static Func<NodeArgs, object?> FingerprintHook<T>() where T : IFingerprintInputs => T.Fingerprint;

    private static Func<NodeArgs, IReadOnlyDictionary<string, string>?, CancellationToken, ValueTask<ValidationResult>> ValidatorHook<T>()
        where T : IValidateInputs => T.ValidateInputsAsync;
}
