using ComfySharp.Engine.Caching;

namespace ComfySharp.Engine.Execution;

/// <summary>
/// The tables a run keeps by node, which only the run loop touches: the executor hands them from one prompt to the next,
/// emptied. Sized for a long graph, each was a large-object array per prompt (a 10,000-node prompt allocated and the GC
/// cleared about 1.5 MB of them every time). Tables grown past <see cref="MaxKeptNodes"/> are not kept.
/// </summary>
internal sealed class RunTables
{
    private const int MaxKeptNodes = 1 << 16;

    public Dictionary<string, CachedResult> Results { get; } = new(StringComparer.Ordinal);

    public List<string> Executed { get; } = [];

    public Dictionary<string, CacheKey> Keys { get; } = new(StringComparer.Ordinal);

    public HashSet<CacheKey> Used { get; } = [];

    public Dictionary<string, ExecutionList.Staged> Staged { get; } = new(StringComparer.Ordinal);

    /// <summary>Makes room for a prompt of <paramref name="nodes"/> nodes at once (growing as nodes arrive copies the tables).</summary>
    public void Reserve(int nodes)
    {
        Results.EnsureCapacity(nodes);
        Executed.EnsureCapacity(nodes);
        Keys.EnsureCapacity(nodes);
        Used.EnsureCapacity(nodes);
        Staged.EnsureCapacity(nodes);
    }

    /// <summary>Empties the tables for the next prompt; false when they grew too large to keep.</summary>
    public bool TryClear()
    {
        if (Results.Count > MaxKeptNodes || Keys.Count > MaxKeptNodes || Staged.Count > MaxKeptNodes) return false;
        Results.Clear();
        Executed.Clear();
        Keys.Clear();
        Used.Clear();
        Staged.Clear();
        return true;
    }
}
