using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ComfySharp.Engine.Caching;

/// <summary>
/// Node results kept between prompts, in ComfyUI's modes (protocol.md §6.8): classic keeps only what the current
/// prompt uses, LRU keeps up to N entries, none keeps nothing. Used by the single worker only.
/// </summary>
public sealed class OutputCache
{
    private readonly Dictionary<CacheKey, Entry> _entries = [];
    private long _generation;

    private OutputCache(CacheMode mode, int capacity)
    {
        Mode = mode;
        Capacity = capacity;
    }

    public CacheMode Mode { get; }
    public int Capacity { get; }
    public int Count => _entries.Count;

    public static OutputCache Classic() => new(CacheMode.Classic, 0);

    public static OutputCache Lru(int capacity) => new(CacheMode.Lru, Math.Max(1, capacity));

    public static OutputCache None() => new(CacheMode.None, 0);

    public bool TryGet(CacheKey key, out CachedResult result)
    {
        ref var entry = ref CollectionsMarshal.GetValueRefOrNullRef(_entries, key);
        if (!Unsafe.IsNullRef(ref entry))
        {
            entry.Generation = _generation;
            result = entry.Result;
            return true;
        }
        result = default;
        return false;
    }

    public void Set(CacheKey key, CachedResult result)
    {
        if (Mode == CacheMode.None) return;
        _entries[key] = new Entry(result, _generation);
    }

    /// <summary>Starts a prompt: classic mode drops every entry the new prompt does not use.</summary>
    // Once per prompt over every node: compiled optimized at once (see RawPrompt.TryRead).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void BeginPrompt(HashSet<CacheKey> used)
    {
        _generation++;
        if (Mode != CacheMode.Classic) return;
        // Removing while enumerating is allowed for Dictionary; a list of the stale keys of a long graph was garbage.
        foreach (var key in _entries.Keys)
        {
            if (!used.Contains(key)) _entries.Remove(key);
        }
    }

    /// <summary>
    /// Starts a prompt whose lookups (<see cref="TryGet"/>) mark what it uses: the executor looks every node up, so classic mode
    /// then drops the rest (<see cref="DropUnused"/>) with no set of the prompt's keys to build and search.
    /// </summary>
    public void BeginLookups() => _generation++;

    /// <summary>Classic mode: drops every entry the current prompt's lookups did not use.</summary>
    public void DropUnused()
    {
        if (Mode != CacheMode.Classic) return;
        // Removing while enumerating is allowed for Dictionary.
        foreach (var (key, entry) in _entries)
        {
            if (entry.Generation != _generation) _entries.Remove(key);
        }
    }

    /// <summary>Ends a prompt: LRU mode evicts the least recently used entries beyond its capacity.</summary>
    public void EndPrompt()
    {
        if (Mode != CacheMode.Lru || _entries.Count <= Capacity) return;
        var all = new List<KeyValuePair<CacheKey, Entry>>(_entries);
        all.Sort(static (a, b) => a.Value.Generation.CompareTo(b.Value.Generation));
        for (var i = 0; i < all.Count - Capacity; i++) _entries.Remove(all[i].Key);
    }

    public void Clear() => _entries.Clear();

    // A struct in the table: one object less per cached node (a long graph keeps one entry per node).
    private struct Entry(CachedResult result, long generation)
    {
        public CachedResult Result { get; } = result;
        public long Generation { get; set; } = generation;
    }
}

public enum CacheMode
{
    Classic,
    Lru,
    None,
}
