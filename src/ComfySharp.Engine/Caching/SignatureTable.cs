using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using ComfySharp.Engine.Execution;
using ComfySharp.Engine.Graph;
using ComfySharp.Engine.Nodes;

namespace ComfySharp.Engine.Caching;

/// <summary>
/// Computes each node's input signature (protocol.md §6.8): class, change fingerprint, the node id only for
/// NOT_IDEMPOTENT / UNIQUE_ID nodes, and every input in name order, where a link contributes its source's signature
/// and slot. Node ids are otherwise left out, so identical subgraphs under different ids share results.
/// Iterative and memoized: each node is hashed once, O(n) for the whole prompt.
/// </summary>
internal sealed class SignatureTable(NodeRegistry registry, DynamicPrompt graph, RunTables tables)
{
    public SignatureTable(NodeRegistry registry, DynamicPrompt graph)
        : this(registry, graph, new RunTables())
    {
    }

    private static readonly ConditionalWeakTable<object, object> IdentityIds = [];
    // One delegate for every sort: List.Sort(IComparer) wraps the comparer in a new one per call.
    private static readonly Comparison<(string Name, int Index)> ByName = static (a, b) => string.CompareOrdinal(a.Name, b.Name);
    private static long _nextIdentity;

    private readonly NodeRegistry _registry = registry;
    private readonly DynamicPrompt _graph = graph;
    // Keys live in the run's node slots (empty when the table starts); the walk's stack is the run's too.
    private readonly RunTables _tables = tables;
    // Scratch reused across nodes and prompts (the run's): one prompt hashes every node, and a fresh hasher and input list
    // per node were most of the table's cost on long chains.
    private readonly SignatureBytes _bytes = tables.Signature;
    private readonly List<(string Name, int Index)> _order = tables.InputOrder;

    /// <summary>The ids of the nodes hashed so far, in that order (ComfyUI's cache key set).</summary>
    public IEnumerable<string> HashedIds
    {
        get
        {
            foreach (var index in _tables.Hashed) yield return _graph.NodeAt(index).Id;
        }
    }

    public CacheKey Get(string nodeId)
    {
        var index = _graph.IndexOf(nodeId);
        if (index >= 0) return Get(index);
        _bytes.Reset();
        _bytes.AppendString("\u0000missing:" + nodeId);
        return new CacheKey(_bytes.Hash());
    }

    /// <summary>The signature of the node at <paramref name="index"/> in the graph.</summary>
    internal CacheKey Get(int index)
    {
        _tables.EnsureNodes(_graph.Count);
        if (!_tables[index].Has(NodeFlags.HasKey)) Compute(index);
        return _tables[index].Key;
    }

    private void Compute(int root)
    {
        var stack = _tables.Walk;
        // Left over only after a throwing hook: those nodes are not on a walk any more.
        while (stack.Count > 0) _tables[stack.Pop()].Set(NodeFlags.OnStack, false);
        stack.Push(root);
        while (stack.Count > 0)
        {
            var index = stack.Peek();
            ref var slot = ref _tables[index];
            if (slot.Has(NodeFlags.HasKey))
            {
                stack.Pop();
                continue;
            }
            var pushed = false;
            if (!slot.Has(NodeFlags.OnStack))
            {
                slot.Set(NodeFlags.OnStack, true);
                var inputs = _graph.NodeAt(index).Inputs;
                for (var i = 0; i < inputs.Count; i++)
                {
                    if (!inputs.TryGetLinkAt(i, out var link)) continue;
                    var source = _graph.IndexOf(link.NodeId);
                    // A link to a node on the walk is a cycle: left unhashed (such prompts fail at run time anyway).
                    if (source < 0 || _tables[source].Has(NodeFlags.HasKey) || _tables[source].Has(NodeFlags.OnStack)) continue;
                    stack.Push(source);
                    pushed = true;
                }
            }
            if (pushed) continue;
            stack.Pop();
            var key = Hash(index);
            ref var done = ref _tables[index];
            done.Key = key;
            done.Set(NodeFlags.OnStack, false);
            done.Set(NodeFlags.HasKey, true);
            _tables.Hashed.Add(index);
        }
    }

    private CacheKey Hash(int index)
    {
        var bytes = _bytes;
        bytes.Reset();
        var node = _graph.NodeAt(index);
        var id = node.Id;
        bytes.AppendString(node.ClassType);
        _registry.TryGet(node.ClassType, out var definition);
        if (definition?.Fingerprint is { } fingerprint)
        {
            WriteFingerprint(bytes, fingerprint, node, definition);
        }
        if (definition is not null && (definition.Schema.NotIdempotent || definition.UsesUniqueId))
        {
            bytes.AppendString("\u0001id:" + id);
        }

        var order = _order;
        order.Clear();
        var inputs = node.Inputs;
        for (var i = 0; i < inputs.Count; i++) order.Add((inputs.NameAt(i), i));
        CollectionsMarshal.AsSpan(order).Sort(ByName);
        foreach (var (name, at) in order)
        {
            bytes.AppendString(name);
            if (inputs.TryGetLinkAt(at, out var link))
            {
                var buffer = bytes.Reserve(21);
                buffer[0] = 0xF0;
                // A link to a node on a cycle has no signature yet; such prompts fail at run time anyway.
                var from = _graph.IndexOf(link.NodeId);
                var source = from >= 0 && _tables[from].Has(NodeFlags.HasKey) ? _tables[from].Key.Value : UInt128.Zero;
                BinaryPrimitives.WriteUInt128LittleEndian(buffer[1..], source);
                BinaryPrimitives.WriteInt32LittleEndian(buffer[17..], link.OutputIndex);
                bytes.Advance(21);
            }
            else
            {
                WriteConstant(bytes, inputs.ConstantAt(at));
            }
        }
        return new CacheKey(bytes.Hash());
    }

    /// <summary>IS_CHANGED sees constant inputs only; NaN (or a throwing hook) means "changed every time".</summary>
    private static void WriteFingerprint(SignatureBytes bytes, Func<NodeArgs, object?> fingerprint, PromptNode node, NodeDefinition definition)
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
        bytes.Append("\u0002is_changed"u8);
        if (result is double d && double.IsNaN(d) || result is float f && float.IsNaN(f))
        {
            Guid.NewGuid().TryWriteBytes(bytes.Reserve(16));
            bytes.Advance(16);
            return;
        }
        WriteConstant(bytes, result);
    }

    private static void WriteConstant(SignatureBytes bytes, object? value)
    {
        switch (value)
        {
            case null:
                bytes.Append(0x00);
                break;
            case bool b:
                bytes.Append(0x01);
                bytes.Append(b ? (byte)1 : (byte)0);
                break;
            case long l:
                bytes.Append(0x02, l);
                break;
            case ulong u:
                bytes.Append(0x03, unchecked((long)u));
                break;
            case double d:
                bytes.Append(0x04, BitConverter.DoubleToInt64Bits(d));
                break;
            case string s:
                bytes.Append(0x05);
                bytes.AppendString(s);
                break;
            case JsonNode json:
                bytes.Append(0x06);
                bytes.AppendString(json.ToJsonString());
                break;
            default:
                // Objects handed over inside expansions (tensors, models): equal only to themselves.
                bytes.Append(0x07, IdentityOf(value));
                break;
        }
    }

    private static long IdentityOf(object value) =>
        (long)IdentityIds.GetValue(value, static _ => Interlocked.Increment(ref _nextIdentity));
}
