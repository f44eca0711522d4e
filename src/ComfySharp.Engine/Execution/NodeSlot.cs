using ComfySharp.Engine.Caching;

namespace ComfySharp.Engine.Execution;

/// <summary>What a run knows about one node, at the node's index in the graph (<see cref="RunTables"/>).</summary>
internal struct NodeSlot
{
    /// <summary>The node's outputs, when <see cref="NodeFlags.HasResult"/>.</summary>
    public CachedResult Result;

    /// <summary>The node's input signature, when <see cref="NodeFlags.HasKey"/>.</summary>
    public CacheKey Key;

    /// <summary>Staged nodes this one blocks: most nodes feed one other, kept inline (index + 1; 0 = none), further ones after it.</summary>
    public int FirstDependent;
    public List<int>? MoreDependents;

    /// <summary>How many staged nodes this staged node waits for.</summary>
    public int Blockers;

    public NodeFlags Flags;

    public readonly bool Has(NodeFlags flag) => (Flags & flag) != 0;

    public void Set(NodeFlags flag, bool on) => Flags = on ? Flags | flag : Flags & ~flag;
}

[Flags]
internal enum NodeFlags : byte
{
    None = 0,
    HasResult = 1,
    HasKey = 2,
    /// <summary>On the signature walk's stack (a link back to it is a cycle, left unhashed).</summary>
    OnStack = 4,
    Staged = 8,
    /// <summary>Staged, unblocked and in the ready queue.</summary>
    Queued = 16,
}
