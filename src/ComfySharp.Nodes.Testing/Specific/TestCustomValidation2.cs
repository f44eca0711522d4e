using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing.Specific;

/// <summary>
/// specific_tests.py TestCustomValidation2: VALIDATE_INPUTS(input_types, input1, input2). Taking input_types turns the engine's
/// link type check off; the node accepts exactly "IMAGE" or "FLOAT" from a link (not "INT", not a union).
/// </summary>
internal sealed class TestCustomValidation2 : INode, IValidateInputs
{
    public static NodeSchema Schema { get; } = new("TestCustomValidation2", SpecificTests.Category)
    {
        DisplayName = "Custom Validation 2",
        PythonModule = TestPack.Module,
        Inputs = CustomValidation.ImageOrFloatInputs(),
        Outputs = [Output.Image()],
        ValidatedInputs = ["input1", "input2"],
        ValidatesInputTypes = true,
    };

    public static ValueTask<ValidationResult> ValidateInputsAsync(NodeArgs constants, IReadOnlyDictionary<string, string>? inputTypes,
        CancellationToken ct)
    {
        var check = CustomValidation.CheckImageOrFloat(constants);
        if (!check.IsValid) return ValueTask.FromResult(check);
        foreach (var name in (ReadOnlySpan<string>)["input1", "input2"])
        {
            if (inputTypes is not null && inputTypes.TryGetValue(name, out var type) && type is not ("IMAGE" or "FLOAT"))
            {
                return ValueTask.FromResult(ValidationResult.Fail($"Invalid type of {name}: {type}"));
            }
        }
        return ValueTask.FromResult(ValidationResult.Ok);
    }

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(CustomValidation.Multiply(args));
}
