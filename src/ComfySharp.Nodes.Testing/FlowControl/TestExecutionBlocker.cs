using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing.FlowControl;

/// <summary>
/// flow_control.py TestExecutionBlockerNode (registered as TestExecutionBlocker): passes its input on, or an ExecutionBlocker when
/// <c>block</c> holds, with the message "Blocked Execution" when <c>verbose</c>.
/// </summary>
internal sealed class TestExecutionBlocker : INode, IValidateInputs
{
    public static NodeSchema Schema { get; } = new("TestExecutionBlocker", FlowSockets.Category)
    {
        DisplayName = "Execution Blocker",
        PythonModule = TestPack.Module,
        Inputs = [Input.Of("input", "*"), Input.Of("block", "BOOLEAN"), Input.Boolean("verbose", false)],
        Outputs = [Output.Of("*", "output")],
        ValidatedInputs = VariantSupport.Arguments,
        ValidatesInputTypes = true,
    };

    public static ValueTask<ValidationResult> ValidateInputsAsync(NodeArgs constants, IReadOnlyDictionary<string, string>? inputTypes,
        CancellationToken ct) => VariantSupport.ValidateAsync(Schema, inputTypes);

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(PyValues.Truthy(args.GetValueOrDefault("block"))
            ? new ExecutionBlocker(PyValues.Truthy(args.GetValueOrDefault("verbose")) ? "Blocked Execution" : null)
            : args.GetValueOrDefault("input")));
}
