using System.Globalization;

namespace ComfySharp.Engine.Nodes;

/// <summary>
/// The resolved inputs of one node call, by input name. For <see cref="NodeSchema.InputIsList"/> nodes every value is an
/// <see cref="IReadOnlyList{T}"/> of the whole list. Absent optional or lazy-unevaluated inputs are missing, not null.
/// </summary>
public sealed class NodeArgs
{
    private readonly Dictionary<string, object?> _values;

    public NodeArgs(Dictionary<string, object?> values) => _values = values;

    public static NodeArgs Empty => new([]);

    public int Count => _values.Count;

    public IEnumerable<string> Names => _values.Keys;

    public IReadOnlyDictionary<string, object?> Values => _values;

    public bool Has(string name) => _values.ContainsKey(name);

    public object? this[string name] => _values.TryGetValue(name, out var v) ? v : throw MissingInput(name);

    public object? GetValueOrDefault(string name, object? fallback = null) => _values.TryGetValue(name, out var v) ? v : fallback;

    public T Get<T>(string name) => this[name] is T t ? t : throw WrongType(name, typeof(T).Name);

    public T GetOrDefault<T>(string name, T fallback) => _values.TryGetValue(name, out var v) && v is T t ? t : fallback;

    public long Int(string name) => ToInt(name, this[name]);

    public long IntOrDefault(string name, long fallback) => _values.TryGetValue(name, out var v) && v is not null ? ToInt(name, v) : fallback;

    public double Float(string name) => ToFloat(name, this[name]);

    public double FloatOrDefault(string name, double fallback) =>
        _values.TryGetValue(name, out var v) && v is not null ? ToFloat(name, v) : fallback;

    public string String(string name) => this[name] switch
    {
        string s => s,
        null => throw WrongType(name, "STRING"),
        var other => Convert.ToString(other, CultureInfo.InvariantCulture) ?? "",
    };

    public string StringOrDefault(string name, string fallback) => _values.TryGetValue(name, out var v) && v is not null ? String(name) : fallback;

    public bool Bool(string name) => this[name] switch
    {
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        _ => throw WrongType(name, "BOOLEAN"),
    };

    public bool BoolOrDefault(string name, bool fallback) => _values.TryGetValue(name, out var v) && v is not null ? Bool(name) : fallback;

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

    private static KeyNotFoundException MissingInput(string name) => new($"Input '{name}' was not provided.");

    private InvalidOperationException WrongType(string name, string expected) =>
        new($"Input '{name}' is {(_values.GetValueOrDefault(name)?.GetType().Name ?? "null")}, expected {expected}.");
}
