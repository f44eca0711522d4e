using System.Globalization;

namespace ComfySharp.Engine.Nodes;

/// <summary>
/// The resolved inputs of one node call, by input name. For <see cref="NodeSchema.InputIsList"/> nodes every value is an
/// <see cref="IReadOnlyList{T}"/> of the whole list. Absent optional or lazy-unevaluated inputs are missing, not null.
/// </summary>
public sealed class NodeArgs
{
    // The inputs by name in one array: a node has a handful of inputs, so a linear search is as fast as hashing, and the
    // executor builds one per call (a dictionary per call was the largest allocation of a node's run).
    private readonly KeyValuePair<string, object?>[] _entries;
    private Dictionary<string, object?>? _dictionary; // Values, made when first asked for

    public NodeArgs(Dictionary<string, object?> values)
    {
        _entries = [.. values];
        _dictionary = values;
    }

    private NodeArgs(KeyValuePair<string, object?>[] entries) => _entries = entries;

    /// <summary>The executor's arguments: names are distinct, and the array becomes the instance's own.</summary>
    internal static NodeArgs FromEntries(KeyValuePair<string, object?>[] entries) => new(entries);

    public static NodeArgs Empty => new(Array.Empty<KeyValuePair<string, object?>>());

    public int Count => _entries.Length;

    public IEnumerable<string> Names
    {
        get
        {
            foreach (var entry in _entries) yield return entry.Key;
        }
    }

    public IReadOnlyDictionary<string, object?> Values => _dictionary ??= new Dictionary<string, object?>(_entries, StringComparer.Ordinal);

    /// <summary>The arguments in order, without a dictionary (the executor's blocker check).</summary>
    internal ReadOnlySpan<KeyValuePair<string, object?>> Entries => _entries;

    public bool Has(string name) => IndexOf(name) >= 0;

    public object? this[string name] => TryGetValue(name, out var v) ? v : throw MissingInput(name);

    public object? GetValueOrDefault(string name, object? fallback = null) => TryGetValue(name, out var v) ? v : fallback;

    public T Get<T>(string name) => this[name] is T t ? t : throw WrongType(name, typeof(T).Name);

    public T GetOrDefault<T>(string name, T fallback) => TryGetValue(name, out var v) && v is T t ? t : fallback;

    public long Int(string name) => ToInt(name, this[name]);

    public long IntOrDefault(string name, long fallback) => TryGetValue(name, out var v) && v is not null ? ToInt(name, v) : fallback;

    public double Float(string name) => ToFloat(name, this[name]);

    public double FloatOrDefault(string name, double fallback) =>
        TryGetValue(name, out var v) && v is not null ? ToFloat(name, v) : fallback;

    public string String(string name) => this[name] switch
    {
        string s => s,
        null => throw WrongType(name, "STRING"),
        var other => Convert.ToString(other, CultureInfo.InvariantCulture) ?? "",
    };

    public string StringOrDefault(string name, string fallback) => TryGetValue(name, out var v) && v is not null ? String(name) : fallback;

    public bool Bool(string name) => this[name] switch
    {
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        _ => throw WrongType(name, "BOOLEAN"),
    };

    public bool BoolOrDefault(string name, bool fallback) => TryGetValue(name, out var v) && v is not null ? Bool(name) : fallback;

    /// <summary>The whole list of an input of an <see cref="NodeSchema.InputIsList"/> node.</summary>
    public IReadOnlyList<object?> List(string name) => this[name] as IReadOnlyList<object?> ?? throw WrongType(name, "list");

    private static long ToInt(string name, object? v) => v switch
    {
        long l => l,
        int i => i,
        ulong u => unchecked((long)u),
        double d => (long)d,
        bool b => b ? 1 : 0,
        _ => throw new InvalidOperationException($"Input '{name}' is {v?.GetType().Name ?? "null"}, expected INT."),
    };

    private static double ToFloat(string name, object? v) => v switch
    {
        double d => d,
        float f => f,
        long l => l,
        int i => i,
        ulong u => u,
        _ => throw new InvalidOperationException($"Input '{name}' is {v?.GetType().Name ?? "null"}, expected FLOAT."),
    };

    private bool TryGetValue(string name, out object? value)
    {
        var i = IndexOf(name);
        value = i >= 0 ? _entries[i].Value : null;
        return i >= 0;
    }

    private int IndexOf(string name)
    {
        var entries = _entries;
        for (var i = 0; i < entries.Length; i++)
        {
            if (string.Equals(entries[i].Key, name, StringComparison.Ordinal)) return i;
        }
        return -1;
    }

    private static KeyNotFoundException MissingInput(string name) => new($"Input '{name}' was not provided.");

    private InvalidOperationException WrongType(string name, string expected) =>
        new($"Input '{name}' is {(GetValueOrDefault(name)?.GetType().Name ?? "null")}, expected {expected}.");
}
