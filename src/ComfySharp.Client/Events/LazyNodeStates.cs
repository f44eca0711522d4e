using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;

namespace ComfySharp.Client.Events;

/// <summary>
/// The node map of a <c>progress_state</c> event, built from its JSON on first use. The event repeats every started node, so a
/// long prompt sends quadratically many entries; readers that only count or forward events never pay for them.
/// </summary>
internal sealed class LazyNodeStates(JsonObject? nodes) : IReadOnlyDictionary<string, NodeProgress>
{
    private readonly Lazy<Dictionary<string, NodeProgress>> _map = new(() => EventParser.NodeStates(nodes));

    public NodeProgress this[string key] => _map.Value[key];

    public IEnumerable<string> Keys => _map.Value.Keys;

    public IEnumerable<NodeProgress> Values => _map.Value.Values;

    public int Count => _map.Value.Count;

    public bool ContainsKey(string key) => _map.Value.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out NodeProgress value) => _map.Value.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, NodeProgress>> GetEnumerator() => _map.Value.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
