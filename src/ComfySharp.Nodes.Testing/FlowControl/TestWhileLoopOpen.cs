using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing.FlowControl;

/// <summary>
/// flow_control.py TestWhileLoopOpen: the head of a loop body. It passes its initial values on; TestWhileLoopClose finds it through
/// its FLOW_CONTROL output and clones it, fed with the next iteration's values.
/// </summary>
internal sealed class TestWhileLoopOpen : INode, IValidateInputs
{
    public static NodeSchema Schema { get; } = new("TestWhileLoopOpen", FlowSockets.Category)
    {
        DisplayName = "While Loop Open",
        PythonModule = TestPack.Module,
        Inputs = [Input.Boolean("condition", true), .. FlowSockets.Inputs(0, InputSection.Optional)],
        Outputs = [Output.Of("FLOW_CONTROL"), .. FlowSockets.Outputs(0)],
        ValidatedInputs = VariantSupport.Arguments,
        ValidatesInputTypes = true,
    };

    public static ValueTask<ValidationResult> ValidateInputsAsync(NodeArgs constants, IReadOnlyDictionary<string, string>? inputTypes,
        CancellationToken ct) => VariantSupport.ValidateAsync(Schema, inputTypes);

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var values = new object?[FlowSockets.Count + 1];
        values[0] = "stub";
        for (var i = 0; i < FlowSockets.Count; i++) values[i + 1] = args.GetValueOrDefault($"initial_value{i}");
        return ValueTask.FromResult(NodeOutput.From(values));
    }
}
