using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing.Specific;

/// <summary>specific_tests.py TestCustomValidation1: VALIDATE_INPUTS(input1, input2) checks constant types; links are type-checked as usual.</summary>
internal sealed class TestCustomValidation1 : INode, IValidateInputs
{
    public static NodeSchema Schema { get; } = new("TestCustomValidation1", SpecificTests.Category)
    {
        DisplayName = "Custom Validation 1",
        PythonModule = TestPack.Module,
        Inputs = CustomValidation.ImageOrFloatInputs(),
        Outputs = [Output.Image()],
        ValidatedInputs = ["input1", "input2"],
    };

    public static ValueTask<ValidationResult> ValidateInputsAsync(NodeArgs constants, IReadOnlyDictionary<string, string>? inputTypes,
        CancellationToken ct) => ValueTask.FromResult(CustomValidation.CheckImageOrFloat(constants));

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(CustomValidation.Multiply(args));
}
