using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace ComfySharp.Nodes.Testing.Lists;

/// <summary>
/// The ACCUMULATION value of util.py: Python's <c>{"accum": [...]}</c>. It is a one-key dictionary here too, so that nodes which
/// show or test any value (PreviewAny's JSON, truthiness) see what they would see in ComfyUI.
/// </summary>
internal sealed class Accumulation(IReadOnlyList<object?> accum) : IReadOnlyDictionary<string, object?>
{
    private const string Key = "accum";

    public IReadOnlyList<object?> Accum { get; } = accum;

    public int Count => 1;

    public IEnumerable<string> Keys => [Key];

    public IEnumerable<object?> Values => [Accum];

    public object? this[string key] => key == Key ? Accum : throw new KeyNotFoundException(key);

    public bool ContainsKey(string key) => key == Key;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out object? value)
    {
        value = key == Key ? Accum : null;
        return key == Key;
    }

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return new KeyValuePair<string, object?>(Key, Accum);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
