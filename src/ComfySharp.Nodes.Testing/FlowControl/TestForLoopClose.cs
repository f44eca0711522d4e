using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing.FlowControl;

/// <summary>
/// util.py TestForLoopClose: expands into "remaining - 1", a TestToBoolNode of it, and a TestWhileLoopClose on the for loop's open
/// node that carries the decremented count in initial_value0. Its inputs are raw links, handed to the expansion as links.
/// </summary>
internal sealed class TestForLoopClose : INode, IValidateInputs
{
    public static NodeSchema Schema { get; } = new("TestForLoopClose", FlowSockets.Category)
    {
        DisplayName = "For Loop Close",
        PythonModule = TestPack.Module,
        Inputs = [new InputSpec("flow_control", "FLOW_CONTROL") { RawLink = true }, .. FlowSockets.Inputs(1, InputSection.Optional, rawLink: true)],
        Outputs = [.. FlowSockets.Outputs(1)],
        ValidatedInputs = VariantSupport.Arguments,
        ValidatesInputTypes = true,
    };

    public static ValueTask<ValidationResult> ValidateInputsAsync(NodeArgs constants, IReadOnlyDictionary<string, string>? inputTypes,
        CancellationToken ct) => VariantSupport.ValidateAsync(Schema, inputTypes);

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var graph = context.CreateGraphBuilder();
        var flowControl = args.Get<NodeLink>("flow_control");
        var sub = graph.Node("TestIntMathOperation").Set("operation", "subtract").Set("a", new NodeLink(flowControl.NodeId, 1)).Set("b", 1L);
        var condition = graph.Node("TestToBoolNode").Set("value", sub.Out(0));
        var close = graph.Node("TestWhileLoopClose").Set("flow_control", flowControl).Set("condition", condition.Out(0))
            .Set("initial_value0", sub.Out(0));
        for (var i = 1; i < FlowSockets.Count; i++) close.Set($"initial_value{i}", args.GetValueOrDefault($"initial_value{i}"));
        var results = new object?[FlowSockets.Count - 1];
        for (var i = 1; i < FlowSockets.Count; i++) results[i - 1] = close.Out(i);
        return ValueTask.FromResult(NodeOutput.Expand(graph.Finalize(results)));
    }
}
