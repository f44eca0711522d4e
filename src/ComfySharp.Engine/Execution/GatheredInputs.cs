namespace ComfySharp.Engine.Execution;

/// <summary>
/// A node's gathered inputs in the node's input order: each is the list a linked output produced, or a constant, which
/// ComfyUI treats as a list of one (protocol.md §6.3). A constant is held as its value, so gathering a node allocates
/// nothing; the list of one is made only for list nodes and failure reports. The run reuses one instance from node to node.
/// </summary>
internal sealed class GatheredInputs
{
    private Entry[] _entries = new Entry[8];

    public int Count { get; private set; }

    public string Name(int index) => _entries[index].Name;

    /// <summary>How many elements the input has: a constant one, a linked output its list's count.</summary>
    public int Length(int index) => _entries[index].List?.Count ?? 1;

    /// <summary>Element <paramref name="element"/> (below <see cref="Length"/>) of the input.</summary>
    public object? Element(int index, int element) => _entries[index] is { List: { } list } ? list[element] : _entries[index].Constant;

    /// <summary>The input as a list (list nodes get whole lists).</summary>
    public IReadOnlyList<object?> List(int index) => _entries[index].List ?? [_entries[index].Constant];

    public void AddList(string name, IReadOnlyList<object?> list) => Add(new Entry(name, null, list));

    public void AddConstant(string name, object? value) => Add(new Entry(name, value, null));

    /// <summary>Empties the table for the next node (and lets go of the last one's values).</summary>
    public void Clear()
    {
        Array.Clear(_entries, 0, Count);
        Count = 0;
    }

    /// <summary>The inputs by name, for <c>current_inputs</c> of a failure.</summary>
    public Dictionary<string, IReadOnlyList<object?>> ToDictionary()
    {
        var inputs = new Dictionary<string, IReadOnlyList<object?>>(Count, StringComparer.Ordinal);
        for (var i = 0; i < Count; i++) inputs[Name(i)] = List(i);
        return inputs;
    }

    private void Add(Entry entry)
    {
        if (Count == _entries.Length) Array.Resize(ref _entries, Count * 2);
        _entries[Count++] = entry;
    }

    private readonly record struct Entry(string Name, object? Constant, IReadOnlyList<object?>? List);
}
