namespace ComfySharp.Engine.Nodes;

/// <summary>A node class: a schema and an execute function. One instance runs one node of one prompt.</summary>
public interface INode : IExecutableNode
{
    static abstract NodeSchema Schema { get; }
}

/// <summary>The instance side of a node class: what the executor calls.</summary>
public interface IExecutableNode
{
    ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct);
}

/// <summary>ComfyUI's <c>check_lazy_status</c>: names the lazy inputs the node still needs (unevaluated ones arrive absent).</summary>
public interface ILazyInputs
{
    ValueTask<IReadOnlyList<string>> CheckLazyStatusAsync(NodeArgs args, NodeContext context, CancellationToken ct);
}

/// <summary>
/// ComfyUI's <c>IS_CHANGED</c> / <c>fingerprint_inputs</c>: computed from constant inputs only (linked ones are absent).
/// Equal results mean unchanged; <see cref="double.NaN"/> means changed every time.
/// </summary>
public interface IFingerprintInputs
{
    static abstract object? Fingerprint(NodeArgs constants);
}

/// <summary>ComfyUI's <c>VALIDATE_INPUTS</c>: run at validation time with constant inputs (linked ones are absent).</summary>
public interface IValidateInputs
{
    static abstract ValueTask<ValidationResult> ValidateInputsAsync(NodeArgs constants, IReadOnlyDictionary<string, string>? inputTypes,
        CancellationToken ct);
}

/// <summary>The answer of a custom validator: valid, or invalid with an optional reason.</summary>
public readonly record struct ValidationResult(bool IsValid, string? Reason)
{
    public static ValidationResult Ok => new(true, null);

    public static ValidationResult Fail(string? reason = null) => new(false, reason);
}
