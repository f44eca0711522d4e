namespace ComfySharp.Engine.Caching;

/// <summary>A node's input signature (protocol.md §6.8), hashed to 128 bits.</summary>
public readonly record struct CacheKey(UInt128 Value);
