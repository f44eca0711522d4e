using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Testing.Specific;

/// <summary>
/// specific_tests.py TestCustomValidation5: VALIDATE_INPUTS(**kwargs) receives every input, so the engine skips the min/max
/// checks of all of them; the validator itself rejects an input2 of 7.
/// </summary>
internal sealed class TestCustomValidation5 : INode, IValidateInputs
{
    public static NodeSchema Schema { get; } = new("TestCustomValidation5", SpecificTests.Category)
    {
        DisplayName = "Custom Validation 5",
        PythonModule = TestPack.Module,
        Inputs = [new InputSpec("input1", "FLOAT") { Min = 0, Max = 1 }, new InputSpec("input2", "FLOAT") { Min = 0, Max = 1 }],
        Outputs = [Output.Image()],
        ValidatedInputs = null,
    };

    public static ValueTask<ValidationResult> ValidateInputsAsync(NodeArgs constants, IReadOnlyDictionary<string, string>? inputTypes,
        CancellationToken ct) =>
        ValueTask.FromResult(constants.GetValueOrDefault("input2") is 7.0 or 7L
            ? ValidationResult.Fail("7s are not allowed. I've never liked 7s.")
            : ValidationResult.Ok);

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(PyValues.Multiply(Tensor.Full(1f, 1, 512, 512, 3), PyValues.Multiply(args["input1"], args["input2"]))));
}
