using ComfySharp.Engine.Graph;
using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing.FlowControl;

/// <summary>
/// flow_control.py TestWhileLoopClose: while <c>condition</c> holds, expands into a copy of the loop body (every node between the
/// open node and this one, found by walking the dynamic prompt) whose open node gets this iteration's values and whose close node
/// ("Recurse") decides again. Copies show the ids of the nodes they copy (<c>override_display_id</c>).
/// </summary>
internal sealed class TestWhileLoopClose : INode, IValidateInputs
{
    public static NodeSchema Schema { get; } = new("TestWhileLoopClose", FlowSockets.Category)
    {
        DisplayName = "While Loop Close",
        PythonModule = TestPack.Module,
        Inputs =
        [
            new InputSpec("flow_control", "FLOW_CONTROL") { RawLink = true },
            new InputSpec("condition", "BOOLEAN") { ForceInput = true },
            .. FlowSockets.Inputs(0, InputSection.Optional),
            Hidden.DynPrompt(), Hidden.UniqueId(),
        ],
        Outputs = [.. FlowSockets.Outputs(0)],
        ValidatedInputs = VariantSupport.Arguments,
        ValidatesInputTypes = true,
    };

    public static ValueTask<ValidationResult> ValidateInputsAsync(NodeArgs constants, IReadOnlyDictionary<string, string>? inputTypes,
        CancellationToken ct) => VariantSupport.ValidateAsync(Schema, inputTypes);

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var values = new object?[FlowSockets.Count];
        for (var i = 0; i < values.Length; i++) values[i] = args.GetValueOrDefault($"initial_value{i}");
        if (!PyValues.Truthy(args.GetValueOrDefault("condition"))) return ValueTask.FromResult(NodeOutput.From(values));

        var dynprompt = args.Get<DynamicPrompt>("dynprompt");
        var uniqueId = args.String("unique_id");
        var openNode = args.Get<NodeLink>("flow_control").NodeId;
        var upstream = ExploreDependencies(uniqueId, dynprompt);
        var contained = CollectContained(openNode, upstream);
        contained.Add(uniqueId);
        contained.Add(openNode);

        // The copy of this node is named "Recurse" so that ids do not grow with every iteration.
        var graph = context.CreateGraphBuilder();
        string CopyId(string id) => id == uniqueId ? "Recurse" : id;
        foreach (var id in contained) graph.Node(dynprompt.GetNode(id).ClassType, CopyId(id)).OverrideDisplayId = id;
        foreach (var id in contained)
        {
            var copy = graph.Lookup(CopyId(id))!;
            foreach (var (name, value) in dynprompt.GetNode(id).Inputs)
            {
                copy.Set(name, value is NodeLink link && contained.Contains(link.NodeId) ? graph.Lookup(CopyId(link.NodeId))!.Out(link.OutputIndex) : value);
            }
        }
        var newOpen = graph.Lookup(openNode)!;
        for (var i = 0; i < FlowSockets.Count; i++) newOpen.Set($"initial_value{i}", values[i]);
        var recurse = graph.Lookup("Recurse")!;
        var results = new object?[FlowSockets.Count];
        for (var i = 0; i < results.Length; i++) results[i] = recurse.Out(i);
        return ValueTask.FromResult(NodeOutput.Expand(graph.Finalize(results)));
    }

    /// <summary>
    /// For every node upstream of <paramref name="nodeId"/>, the nodes that consume it. Depth-first in input order with an explicit
    /// stack, visiting nodes in the order of the Python node's recursion so that the copies come out in the same order.
    /// </summary>
    private static Dictionary<string, List<string>> ExploreDependencies(string nodeId, DynamicPrompt dynprompt)
    {
        var upstream = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var stack = new Stack<Frame>();
        stack.Push(new Frame(nodeId, [.. dynprompt.GetNode(nodeId).Inputs.Values]));
        while (stack.Count > 0)
        {
            var frame = stack.Peek();
            if (frame.Pending is { } finished)
            {
                upstream[finished].Add(frame.Id); // the consumer is recorded after its producer was explored
                frame.Pending = null;
            }
            if (frame.Next >= frame.Inputs.Count)
            {
                stack.Pop();
                continue;
            }
            if (frame.Inputs[frame.Next++] is not NodeLink link) continue;
            if (upstream.TryGetValue(link.NodeId, out var consumers))
            {
                consumers.Add(frame.Id);
                continue;
            }
            upstream[link.NodeId] = [];
            frame.Pending = link.NodeId;
            stack.Push(new Frame(link.NodeId, [.. dynprompt.GetNode(link.NodeId).Inputs.Values]));
        }
        return upstream;
    }

    /// <summary>Every node downstream of <paramref name="openNode"/> (depth-first, in the order the Python node finds them).</summary>
    private static OrderedSet CollectContained(string openNode, Dictionary<string, List<string>> upstream)
    {
        var contained = new OrderedSet();
        var stack = new Stack<(string Id, int Next)>();
        stack.Push((openNode, 0));
        while (stack.Count > 0)
        {
            var (id, next) = stack.Pop();
            if (!upstream.TryGetValue(id, out var consumers) || next >= consumers.Count) continue;
            stack.Push((id, next + 1));
            var child = consumers[next];
            if (contained.Add(child)) stack.Push((child, 0));
        }
        return contained;
    }

    private sealed class Frame(string id, List<object?> inputs)
    {
        public string Id { get; } = id;
        public List<object?> Inputs { get; } = inputs;
        public int Next { get; set; }
        public string? Pending { get; set; }
    }

    /// <summary>Python's insertion-ordered dict used as a set.</summary>
    private sealed class OrderedSet : IEnumerable<string>
    {
        private readonly List<string> _order = [];
        private readonly HashSet<string> _members = new(StringComparer.Ordinal);

        public bool Add(string id)
        {
            if (!_members.Add(id)) return false;
            _order.Add(id);
            return true;
        }

        public bool Contains(string id) => _members.Contains(id);

        public IEnumerator<string> GetEnumerator() => _order.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
