using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using ComfySharp.Engine.Graph;
using ComfySharp.Engine.Nodes;

namespace ComfySharp.Engine.Caching;

/// <summary>
/// Computes each node's input signature (protocol.md §6.8): class, change fingerprint, the node id only for
/// NOT_IDEMPOTENT / UNIQUE_ID nodes, and every input in name order, where a link contributes its source's signature
/// and slot. Node ids are otherwise left out, so identical subgraphs under different ids share results.
/// Iterative and memoized: each node is hashed once, O(n) for the whole prompt.
/// </summary>
internal sealed class SignatureTable(NodeRegistry registry, DynamicPrompt graph, Dictionary<string, CacheKey> keys)
{
    public SignatureTable(NodeRegistry registry, DynamicPrompt graph)
        : this(registry, graph, new Dictionary<string, CacheKey>(graph.Count, StringComparer.Ordinal))
    {
    }

    private static readonly ConditionalWeakTable<object, object> IdentityIds = [];
    // One delegate for every sort: List.Sort(IComparer) wraps the comparer in a new one per call.
    private static readonly Comparison<(string Name, int Index)> ByName = static (a, b) => string.CompareOrdinal(a.Name, b.Name);
    private static long _nextIdentity;

    private readonly NodeRegistry _registry = registry;
    private readonly DynamicPrompt _graph = graph;
    private readonly Dictionary<string, CacheKey> _keys = keys; // empty; the run's (RunTables) or its own
    // Scratch reused across nodes: one prompt hashes every node, and a fresh hasher, walk stack and input list per node
    // were most of the table's cost on long chains.
    private readonly XxHash128 _hasher = new();
    private readonly HashSet<string> _onStack = new(StringComparer.Ordinal);
    private readonly Stack<string> _stack = new();
    private readonly List<(string Name, int Index)> _order = [];

    public IReadOnlyDictionary<string, CacheKey> Keys => _keys;

    public CacheKey Get(string nodeId)
    {
        if (_keys.TryGetValue(nodeId, out var key)) return key;
        Compute(nodeId);
        return _keys[nodeId];
    }

    private void Compute(string rootId)
    {
        var onStack = _onStack;
        var stack = _stack;
        // Left over only after a throwing hook. Cleared here, not per call: clearing a set that once held a whole
        // chain costs its capacity, every time. Ids leave the set as they are hashed instead.
        if (onStack.Count > 0) onStack.Clear();
        stack.Clear();
        stack.Push(rootId);
        while (stack.Count > 0)
        {
            var id = stack.Peek();
            if (_keys.ContainsKey(id))
            {
                stack.Pop();
                continue;
            }
            var pushed = false;
            if (onStack.Add(id) && _graph.TryGetNode(id, out var node))
            {
                var inputs = node.Inputs;
                for (var i = 0; i < inputs.Count; i++)
                {
                    if (inputs.TryGetLinkAt(i, out var link) && !_keys.ContainsKey(link.NodeId) && _graph.HasNode(link.NodeId) &&
                        !onStack.Contains(link.NodeId))
                    {
                        stack.Push(link.NodeId);
                        pushed = true;
                    }
                }
            }
            if (pushed) continue;
            stack.Pop();
            onStack.Remove(id);
            _keys[id] = Hash(id);
        }
    }

    private CacheKey Hash(string id)
    {
        var hasher = _hasher;
        hasher.Reset();
        if (!_graph.TryGetNode(id, out var node))
        {
            WriteString(hasher, "\u0000missing:" + id);
            return new CacheKey(hasher.GetCurrentHashAsUInt128());
        }
        WriteString(hasher, node.ClassType);
        _registry.TryGet(node.ClassType, out var definition);
        if (definition?.Fingerprint is { } fingerprint)
        {
            WriteFingerprint(hasher, fingerprint, node, definition);
        }
        if (definition is not null && (definition.Schema.NotIdempotent || definition.UsesUniqueId))
        {
            WriteString(hasher, "\u0001id:" + id);
        }

        Span<byte> buffer = stackalloc byte[21];
        var order = _order;
        order.Clear();
        var inputs = node.Inputs;
        for (var i = 0; i < inputs.Count; i++) order.Add((inputs.NameAt(i), i));
        CollectionsMarshal.AsSpan(order).Sort(ByName);
        foreach (var (name, index) in order)
        {
            WriteString(hasher, name);
            if (inputs.TryGetLinkAt(index, out var link))
            {
                buffer[0] = 0xF0;
                // A link to a node on a cycle has no signature yet; such prompts fail at run time anyway.
                var source = _keys.TryGetValue(link.NodeId, out var k) ? k.Value : UInt128.Zero;
                BinaryPrimitives.WriteUInt128LittleEndian(buffer[1..], source);
                BinaryPrimitives.WriteInt32LittleEndian(buffer[17..], link.OutputIndex);
                hasher.Append(buffer);
            }
            else
            {
                WriteConstant(hasher, inputs.ConstantAt(index));
            }
        }
        return new CacheKey(hasher.GetCurrentHashAsUInt128());
    }

    /// <summary>IS_CHANGED sees constant inputs only; NaN (or a throwing hook) means "changed every time".</summary>
    private static void WriteFingerprint(XxHash128 hasher, Func<NodeArgs, object?> fingerprint, PromptNode node, NodeDefinition definition)
    {
        var constants = new Dictionary<string, object?>(StringComparer.Ordinal);
        var inputs = node.Inputs;
        for (var i = 0; i < inputs.Count; i++)
        {
            if (inputs.TryGetLinkAt(i, out _) || definition.Schema.FindInput(inputs.NameAt(i)) is null) continue;
            constants[inputs.NameAt(i)] = inputs.ConstantAt(i);
        }
        object? result;
        try
        {
            result = fingerprint(new NodeArgs(constants));
        }
        catch (Exception)
        {
            result = double.NaN;
        }
        hasher.Append("\u0002is_changed"u8);
        if (result is double d && double.IsNaN(d) || result is float f && float.IsNaN(f))
        {
            Span<byte> unique = stackalloc byte[16];
            Guid.NewGuid().TryWriteBytes(unique);
            hasher.Append(unique);
            return;
        }
        WriteConstant(hasher, result);
    }

    private static void WriteConstant(XxHash128 hasher, object? value)
    {
        Span<byte> buffer = stackalloc byte[9];
        switch (value)
        {
            case null:
                hasher.Append([0x00]);
                break;
            case bool b:
                hasher.Append([0x01, b ? (byte)1 : (byte)0]);
                break;
            case long l:
                buffer[0] = 0x02;
                BinaryPrimitives.WriteInt64LittleEndian(buffer[1..], l);
                hasher.Append(buffer);
                break;
            case ulong u:
                buffer[0] = 0x03;
                BinaryPrimitives.WriteUInt64LittleEndian(buffer[1..], u);
                hasher.Append(buffer);
                break;
            case double d:
                buffer[0] = 0x04;
                BinaryPrimitives.WriteDoubleLittleEndian(buffer[1..], d);
                hasher.Append(buffer);
                break;
            case string s:
                hasher.Append([0x05]);
                WriteString(hasher, s);
                break;
            case JsonNode json:
                hasher.Append([0x06]);
                WriteString(hasher, json.ToJsonString());
                break;
            default:
                // Objects handed over inside expansions (tensors, models): equal only to themselves.
                buffer[0] = 0x07;
                BinaryPrimitives.WriteInt64LittleEndian(buffer[1..], IdentityOf(value));
                hasher.Append(buffer);
                break;
        }
    }

    private static long IdentityOf(object value) =>
        (long)IdentityIds.GetValue(value, static _ => Interlocked.Increment(ref _nextIdentity));

    private static void WriteString(XxHash128 hasher, string s)
    {
        Span<byte> length = stackalloc byte[4];
        var byteCount = Encoding.UTF8.GetByteCount(s);
        BinaryPrimitives.WriteInt32LittleEndian(length, byteCount);
        hasher.Append(length);
        if (byteCount <= 256)
        {
            Span<byte> bytes = stackalloc byte[256];
            var n = Encoding.UTF8.GetBytes(s, bytes);
            hasher.Append(bytes[..n]);
        }
        else
        {
            hasher.Append(Encoding.UTF8.GetBytes(s));
        }
    }
}
