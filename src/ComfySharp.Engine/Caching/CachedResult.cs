using System.Text.Json.Nodes;

namespace ComfySharp.Engine.Caching;

/// <summary>A node's outputs (one list per slot) and the UI data it produced.</summary>
/// <remarks>
/// A struct, and a node with one output and one value (most nodes) keeps that value alone: the cache and a run's results hold
/// one per node of a long graph until the next prompt, where an object and two arrays per node were for every collection to
/// trace and copy.
/// </remarks>
public readonly struct CachedResult
{
    private readonly IReadOnlyList<object?>[]? _outputs;
    private readonly object? _only;

    public CachedResult(IReadOnlyList<object?>[] outputs, JsonObject? ui)
    {
        _outputs = outputs;
        Ui = ui;
    }

    private CachedResult(object? only, JsonObject? ui)
    {
        _only = only;
        Ui = ui;
    }

    /// <summary>The result of a node with one output slot holding <paramref name="value"/> alone.</summary>
    internal static CachedResult OneValue(object? value, JsonObject? ui) => new(value, ui);

    /// <summary>One list per output slot (made for a one-value result).</summary>
    public IReadOnlyList<object?>[] Outputs => _outputs ?? [new object?[] { _only }];

    public JsonObject? Ui { get; }

    internal int SlotCount => _outputs?.Length ?? 1;

    /// <summary>The only value of a one-value result.</summary>
    internal bool TryGetOnly(out object? value)
    {
        value = _only;
        return _outputs is null;
    }
}
