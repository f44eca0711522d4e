using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Testing.Specific;

/// <summary>
/// specific_tests.py TestCustomValidation4: FLOAT inputs with VALIDATE_INPUTS(input1, input2) that wants float constants. Links
/// are still type-checked by the engine, so a linked INT fails before the validator runs.
/// </summary>
internal sealed class TestCustomValidation4 : INode, IValidateInputs
{
    public static NodeSchema Schema { get; } = new("TestCustomValidation4", SpecificTests.Category)
    {
        DisplayName = "Custom Validation 4",
        PythonModule = TestPack.Module,
        Inputs = [Input.Of("input1", "FLOAT"), Input.Of("input2", "FLOAT")],
        Outputs = [Output.Image()],
        ValidatedInputs = ["input1", "input2"],
    };

    public static ValueTask<ValidationResult> ValidateInputsAsync(NodeArgs constants, IReadOnlyDictionary<string, string>? inputTypes,
        CancellationToken ct)
    {
        foreach (var name in (ReadOnlySpan<string>)["input1", "input2"])
        {
            var value = constants.GetValueOrDefault(name);
            if (value is not null and not double) return ValueTask.FromResult(ValidationResult.Fail($"Invalid type of {name}: {PyValues.TypeOf(value)}"));
        }
        return ValueTask.FromResult(ValidationResult.Ok);
    }

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(PyValues.Multiply(PyValues.Multiply(Tensor.Full(1f, 1, 512, 512, 3), args["input1"]), args["input2"])));
}
