using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace ComfySharp.Engine.Graph;

/// <summary>
/// A prompt node's inputs by name, in the client's order: links (<see cref="Nodes.NodeLink"/>) and constants. Read-only once
/// the node is built.
/// </summary>
/// <remarks>
/// One array of entries, searched linearly: a node has a handful of inputs, and a long graph keeps every node's table for the
/// whole prompt, where a dictionary's buckets, entries and object were three times the size.
/// </remarks>
public sealed class InputDictionary : IReadOnlyDictionary<string, object?>
{
    private readonly KeyValuePair<string, object?>[] _entries;

    private InputDictionary(KeyValuePair<string, object?>[] entries) => _entries = entries;

    public static InputDictionary Empty { get; } = new([]);

    /// <summary>The inputs of <paramref name="inputs"/>, in its order.</summary>
    public static InputDictionary From(IReadOnlyDictionary<string, object?> inputs) => inputs.Count == 0 ? Empty : new([.. inputs]);

    /// <summary>Entries with distinct names; the array becomes the table's own.</summary>
    internal static InputDictionary FromEntries(KeyValuePair<string, object?>[] entries) => new(entries);

    public int Count => _entries.Length;

    public object? this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The node has no input '{key}'.");

    public KeyValuePair<string, object?> this[int index] => _entries[index];

    public IEnumerable<string> Keys
    {
        get
        {
            foreach (var entry in _entries) yield return entry.Key;
        }
    }

    public IEnumerable<object?> Values
    {
        get
        {
            foreach (var entry in _entries) yield return entry.Value;
        }
    }

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out object? value)
    {
        var i = IndexOf(key);
        value = i >= 0 ? _entries[i].Value : null;
        return i >= 0;
    }

    public int IndexOf(string key)
    {
        var entries = _entries;
        for (var i = 0; i < entries.Length; i++)
        {
            if (string.Equals(entries[i].Key, key, StringComparison.Ordinal)) return i;
        }
        return -1;
    }

    /// <summary>Replaces the value of input <paramref name="index"/> while the node is being built (validation types it).</summary>
    internal void SetValue(int index, object? value) => _entries[index] = new(_entries[index].Key, value);

    /// <summary>Enumerates without allocating.</summary>
    public ArraySegment<KeyValuePair<string, object?>>.Enumerator GetEnumerator() => new ArraySegment<KeyValuePair<string, object?>>(_entries).GetEnumerator();

    IEnumerator<KeyValuePair<string, object?>> IEnumerable<KeyValuePair<string, object?>>.GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)_entries).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _entries.GetEnumerator();
}
