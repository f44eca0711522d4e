using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing.FlowControl;

/// <summary>
/// util.py TestForLoopOpen: a counted loop on top of the while loop. It expands into a TestWhileLoopOpen whose condition and
/// initial_value0 are the remaining count. The hidden <c>initial_value0</c> is how the loop's copies receive the decremented count.
/// </summary>
internal sealed class TestForLoopOpen : INode, IValidateInputs
{
    public static NodeSchema Schema { get; } = new("TestForLoopOpen", FlowSockets.Category)
    {
        DisplayName = "For Loop Open",
        PythonModule = TestPack.Module,
        Inputs =
        [
            Input.Int("remaining", 1, min: 0, max: 100000, step: 1), .. FlowSockets.Inputs(1, InputSection.Optional),
            // ComfyUI declares it ("*",) under "hidden"; the engine writes hidden inputs as bare type names.
            new InputSpec("initial_value0", "*", InputSection.Hidden),
        ],
        Outputs = [Output.Of("FLOW_CONTROL", "flow_control"), Output.Int("remaining"), .. FlowSockets.Outputs(1)],
        ValidatedInputs = VariantSupport.Arguments,
        ValidatesInputTypes = true,
    };

    public static ValueTask<ValidationResult> ValidateInputsAsync(NodeArgs constants, IReadOnlyDictionary<string, string>? inputTypes,
        CancellationToken ct) => VariantSupport.ValidateAsync(Schema, inputTypes);

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var remaining = args.Has("initial_value0") ? args["initial_value0"] : args["remaining"];
        var graph = context.CreateGraphBuilder();
        var open = graph.Node("TestWhileLoopOpen").Set("condition", remaining).Set("initial_value0", remaining);
        var results = new object?[FlowSockets.Count + 1];
        results[0] = "stub";
        results[1] = remaining;
        for (var i = 1; i < FlowSockets.Count; i++)
        {
            var value = args.GetValueOrDefault($"initial_value{i}");
            open.Set($"initial_value{i}", value);
            results[i + 1] = value;
        }
        return ValueTask.FromResult(NodeOutput.Expand(graph.Finalize(results)));
    }
}
