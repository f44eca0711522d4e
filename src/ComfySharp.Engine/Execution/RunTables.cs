using ComfySharp.Engine.Caching;

namespace ComfySharp.Engine.Execution;

/// <summary>
/// What a run keeps per node (<see cref="NodeSlot"/>, by the node's index in the graph) and its scratch, which only the run loop
/// touches: the executor hands them from one prompt to the next, emptied. Per-node tables keyed by id were a string hash per
/// lookup, dozens per node, and large-object arrays per prompt (a 10,000-node prompt allocated about 1.5 MB of them every
/// time). Tables grown past <see cref="MaxKeptNodes"/> are not kept.
/// </summary>
internal sealed class RunTables
{
    private const int MaxKeptNodes = 1 << 16;

    private NodeSlot[] _slots = [];
    private int _inUse;

    /// <summary>The ids of the executed nodes, in order.</summary>
    public List<string> Executed { get; } = [];

    /// <summary>Nodes whose signature was computed, in that order (ComfyUI's cache key set, for <c>current_outputs</c>).</summary>
    public List<int> Hashed { get; } = [];

    /// <summary>Scratch of the signature walk.</summary>
    public Stack<int> Walk { get; } = new();

    /// <summary>The signature walk's bytes of one node (reset for every node).</summary>
    public SignatureBytes Signature { get; } = new();

    /// <summary>Scratch of the signature walk: a node's inputs in name order.</summary>
    public List<(string Name, int Index)> InputOrder { get; } = [];

    /// <summary>Staged nodes nothing blocks, in the order they became ready.</summary>
    public Queue<int> Ready { get; } = new();

    public ref NodeSlot this[int index] => ref _slots[index];

    /// <summary>Slots for <paramref name="nodes"/> nodes (the graph grows with expansions). Refs to slots taken before do not survive it.</summary>
    public void EnsureNodes(int nodes)
    {
        if (nodes > _slots.Length) Array.Resize(ref _slots, Math.Max(nodes, _slots.Length * 2));
        _inUse = Math.Max(_inUse, nodes);
    }

    /// <summary>Makes room for a prompt of <paramref name="nodes"/> nodes at once (growing as nodes arrive copies the tables).</summary>
    public void Reserve(int nodes)
    {
        EnsureNodes(nodes);
        Executed.EnsureCapacity(nodes);
        Hashed.EnsureCapacity(nodes);
    }

    /// <summary>Empties the tables for the next prompt; false when they grew too large to keep.</summary>
    public bool TryClear()
    {
        if (_slots.Length > MaxKeptNodes) return false;
        Array.Clear(_slots, 0, _inUse);
        _inUse = 0;
        Executed.Clear();
        Hashed.Clear();
        Walk.Clear();
        Ready.Clear();
        return true;
    }
}
