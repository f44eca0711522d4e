using ComfySharp.Engine.Graph;
using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing;

// flow_control.py of ComfyUI's execution test pack: loops built by re-expanding the loop body.

internal sealed class TestWhileLoopOpen : INode, IValidateInputs
{
    public static NodeSchema Schema { get; } = new("TestWhileLoopOpen", "Testing/Flow")
    {
        DisplayName = "While Loop Open",
        PythonModule = TestingSchemas.Module,
        Inputs = [Input.Boolean("condition", true), .. FlowInputs(0, InputSection.Optional)],
        Outputs = [Output.Of("FLOW_CONTROL"), .. FlowOutputs(0)],
        ValidatedInputs = [],
        ValidatesInputTypes = true,
    };

    public static ValueTask<ValidationResult> ValidateInputsAsync(NodeArgs constants, IReadOnlyDictionary<string, string>? inputTypes,
        CancellationToken ct) => ValueTask.FromResult(TestingSchemas.VariantCheck(Schema, inputTypes));

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var values = new object?[TestingSchemas.FlowSockets + 1];
        values[0] = "stub";
        for (var i = 0; i < TestingSchemas.FlowSockets; i++) values[i + 1] = args.GetValueOrDefault($"initial_value{i}");
        return ValueTask.FromResult(NodeOutput.From(values));
    }

    internal static IEnumerable<InputSpec> FlowInputs(int first, InputSection section, bool rawLink = false)
    {
        for (var i = first; i < TestingSchemas.FlowSockets; i++) yield return new InputSpec($"initial_value{i}", "*", section) { RawLink = rawLink };
    }

    internal static IEnumerable<OutputSpec> FlowOutputs(int first)
    {
        for (var i = first; i < TestingSchemas.FlowSockets; i++) yield return Output.Of("*", $"value{i}");
    }
}

internal sealed class TestWhileLoopClose : INode, IValidateInputs
{
    public static NodeSchema Schema { get; } = new("TestWhileLoopClose", "Testing/Flow")
    {
        DisplayName = "While Loop Close",
        PythonModule = TestingSchemas.Module,
        Inputs =
        [
            new InputSpec("flow_control", "FLOW_CONTROL") { RawLink = true },
            new InputSpec("condition", "BOOLEAN") { ForceInput = true },
            .. TestWhileLoopOpen.FlowInputs(0, InputSection.Optional),
            Hidden.DynPrompt(), Hidden.UniqueId(),
        ],
        Outputs = [.. TestWhileLoopOpen.FlowOutputs(0)],
        ValidatedInputs = [],
        ValidatesInputTypes = true,
    };

    public static ValueTask<ValidationResult> ValidateInputsAsync(NodeArgs constants, IReadOnlyDictionary<string, string>? inputTypes,
        CancellationToken ct) => ValueTask.FromResult(TestingSchemas.VariantCheck(Schema, inputTypes));

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var values = new object?[TestingSchemas.FlowSockets];
        for (var i = 0; i < values.Length; i++) values[i] = args.GetValueOrDefault($"initial_value{i}");
        if (!TestingSchemas.Truthy(args.GetValueOrDefault("condition"))) return ValueTask.FromResult(NodeOutput.From(values));

        // Loop again: clone every node between the open node and this one, feeding this iteration's values to the new open node.
        var dynprompt = args.Get<DynamicPrompt>("dynprompt");
        var uniqueId = args.String("unique_id");
        var openNode = args.Get<NodeLink>("flow_control").NodeId;
        var upstream = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        ExploreDependencies(uniqueId, dynprompt, upstream);
        var contained = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        CollectContained(openNode, upstream, contained, seen);
        if (seen.Add(uniqueId)) contained.Add(uniqueId);
        if (seen.Add(openNode)) contained.Add(openNode);

        var graph = context.CreateGraphBuilder();
        string CloneId(string id) => id == uniqueId ? "Recurse" : id;
        foreach (var id in contained)
        {
            graph.Node(dynprompt.GetNode(id).ClassType, CloneId(id)).OverrideDisplayId = id;
        }
        foreach (var id in contained)
        {
            var clone = graph.Lookup(CloneId(id))!;
            foreach (var (name, value) in dynprompt.GetNode(id).Inputs)
            {
                clone.Set(name, value is NodeLink link && seen.Contains(link.NodeId) ? graph.Lookup(CloneId(link.NodeId))!.Out(link.OutputIndex) : value);
            }
        }
        var newOpen = graph.Lookup(openNode)!;
        for (var i = 0; i < TestingSchemas.FlowSockets; i++) newOpen.Set($"initial_value{i}", values[i]);
        var self = graph.Lookup("Recurse")!;
        var results = new object?[TestingSchemas.FlowSockets];
        for (var i = 0; i < results.Length; i++) results[i] = self.Out(i);
        return ValueTask.FromResult(NodeOutput.Expand(graph.Finalize(results)));
    }

    private static void ExploreDependencies(string nodeId, DynamicPrompt dynprompt, Dictionary<string, List<string>> upstream)
    {
        var stack = new Stack<string>();
        stack.Push(nodeId);
        while (stack.Count > 0)
        {
            var id = stack.Pop();
            if (!dynprompt.TryGetNode(id, out var node)) continue;
            foreach (var value in node.Inputs.Values)
            {
                if (value is not NodeLink link) continue;
                if (!upstream.TryGetValue(link.NodeId, out var children))
                {
                    upstream[link.NodeId] = children = [];
                    stack.Push(link.NodeId);
                }
                children.Add(id);
            }
        }
    }

    private static void CollectContained(string nodeId, Dictionary<string, List<string>> upstream, List<string> contained, HashSet<string> seen)
    {
        var stack = new Stack<string>();
        stack.Push(nodeId);
        while (stack.Count > 0)
        {
            if (!upstream.TryGetValue(stack.Pop(), out var children)) continue;
            foreach (var child in children)
            {
                if (!seen.Add(child)) continue;
                contained.Add(child);
                stack.Push(child);
            }
        }
    }
}

internal sealed class TestExecutionBlocker : INode, IValidateInputs
{
    public static NodeSchema Schema { get; } = new("TestExecutionBlocker", "Testing/Flow")
    {
        DisplayName = "Execution Blocker",
        PythonModule = TestingSchemas.Module,
        Inputs = [Input.Of("input", "*"), Input.Of("block", "BOOLEAN"), Input.Boolean("verbose", false)],
        Outputs = [Output.Of("*", "output")],
        ValidatedInputs = [],
        ValidatesInputTypes = true,
    };

    public static ValueTask<ValidationResult> ValidateInputsAsync(NodeArgs constants, IReadOnlyDictionary<string, string>? inputTypes,
        CancellationToken ct) => ValueTask.FromResult(TestingSchemas.VariantCheck(Schema, inputTypes));

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(TestingSchemas.Truthy(args.GetValueOrDefault("block"))
            ? new ExecutionBlocker(args.BoolOrDefault("verbose", false) ? "Blocked Execution" : null)
            : args.GetValueOrDefault("input")));
}
