using System.Text.Json.Nodes;

namespace ComfySharp.Engine.Caching;

/// <summary>A node's outputs (one list per slot) and the UI data it produced.</summary>
public sealed record CachedResult(IReadOnlyList<object?>[] Outputs, JsonObject? Ui);
