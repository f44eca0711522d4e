using System.Collections;
using System.Diagnostics.CodeAnalysis;
using ComfySharp.Engine.Nodes;

namespace ComfySharp.Engine.Graph;

/// <summary>
/// A prompt node's inputs by name, in the client's order: links (<see cref="NodeLink"/>) and constants. Read-only once
/// the node is built.
/// </summary>
/// <remarks>
/// A struct over a run of entries in an array, searched linearly: a node has a handful of inputs, and a long graph keeps every
/// node's inputs for the whole prompt, so they cost no object of their own (a prompt read from JSON stores the entries of many
/// nodes in one array), and a link is kept unboxed (<see cref="NodeLink"/> values are made when read through this API).
/// </remarks>
public readonly struct InputDictionary : IReadOnlyDictionary<string, object?>
{
    private readonly InputEntry[]? _entries;
    private readonly int _start;

    internal InputDictionary(InputEntry[] entries, int start, int count)
    {
        _entries = entries;
        _start = start;
        Count = count;
    }

    public static InputDictionary Empty => default;

    /// <summary>The inputs of <paramref name="inputs"/>, in its order.</summary>
    public static InputDictionary From(IReadOnlyDictionary<string, object?> inputs)
    {
        if (inputs.Count == 0) return Empty;
        var entries = new InputEntry[inputs.Count];
        var i = 0;
        foreach (var (name, value) in inputs) entries[i++] = InputEntry.From(name, value);
        return new InputDictionary(entries, 0, entries.Length);
    }

    public int Count { get; }

    public object? this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The node has no input '{key}'.");

    public IEnumerable<string> Keys
    {
        get
        {
            for (var i = 0; i < Count; i++) yield return NameAt(i);
        }
    }

    public IEnumerable<object?> Values
    {
        get
        {
            for (var i = 0; i < Count; i++) yield return ValueAt(i);
        }
    }

    public string NameAt(int index) => Entry(index).Name;

    /// <summary>The value of input <paramref name="index"/>; a link as a new <see cref="NodeLink"/>.</summary>
    public object? ValueAt(int index) => Entry(index).Boxed;

    /// <summary>Whether input <paramref name="index"/> is a link, without boxing it.</summary>
    public bool TryGetLinkAt(int index, out NodeLink link)
    {
        var entry = Entry(index);
        link = entry.IsLink ? new NodeLink((string)entry.Value!, entry.LinkSlot) : default;
        return entry.IsLink;
    }

    /// <summary>The value of input <paramref name="index"/>, known not to be a link.</summary>
    internal object? ConstantAt(int index) => Entry(index).Value;

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out object? value)
    {
        var i = IndexOf(key);
        value = i >= 0 ? ValueAt(i) : null;
        return i >= 0;
    }

    public int IndexOf(string key)
    {
        for (var i = 0; i < Count; i++)
        {
            if (string.Equals(_entries![_start + i].Name, key, StringComparison.Ordinal)) return i;
        }
        return -1;
    }

    /// <summary>Replaces the constant of input <paramref name="index"/> while the node is being built (validation types it).</summary>
    internal void SetConstant(int index, object? value) => _entries![_start + index] = new InputEntry(NameAt(index), value);

    private InputEntry Entry(int index) =>
        (uint)index < (uint)Count ? _entries![_start + index] : throw new ArgumentOutOfRangeException(nameof(index));

    public Enumerator GetEnumerator() => new(this);

    IEnumerator<KeyValuePair<string, object?>> IEnumerable<KeyValuePair<string, object?>>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The inputs in order, links as <see cref="NodeLink"/> values.</summary>
    public struct Enumerator(InputDictionary inputs) : IEnumerator<KeyValuePair<string, object?>>
    {
        private int _index = -1;

        public readonly KeyValuePair<string, object?> Current => new(inputs.NameAt(_index), inputs.ValueAt(_index));

        readonly object IEnumerator.Current => Current;

        public bool MoveNext() => ++_index < inputs.Count;

        public void Reset() => _index = -1;

        public readonly void Dispose()
        {
        }
    }
}
