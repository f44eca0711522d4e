using System.Text.Json.Nodes;

namespace ComfySharp.Engine.Caching;

/// <summary>A node's outputs (one list per slot) and the UI data it produced.</summary>
/// <remarks>A struct: the cache and a run's results hold one per node of a long graph, and an object each stayed until the next prompt.</remarks>
public readonly record struct CachedResult(IReadOnlyList<object?>[] Outputs, JsonObject? Ui);
