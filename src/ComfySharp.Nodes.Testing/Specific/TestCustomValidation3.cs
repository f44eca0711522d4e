using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing.Specific;

/// <summary>specific_tests.py TestCustomValidation3: validated by <see cref="VariantSupport"/> alone.</summary>
internal sealed class TestCustomValidation3 : INode, IValidateInputs
{
    public static NodeSchema Schema { get; } = new("TestCustomValidation3", SpecificTests.Category)
    {
        DisplayName = "Custom Validation 3",
        PythonModule = TestPack.Module,
        Inputs = CustomValidation.ImageOrFloatInputs(),
        Outputs = [Output.Image()],
        ValidatedInputs = VariantSupport.Arguments,
        ValidatesInputTypes = true,
    };

    public static ValueTask<ValidationResult> ValidateInputsAsync(NodeArgs constants, IReadOnlyDictionary<string, string>? inputTypes,
        CancellationToken ct) => VariantSupport.ValidateAsync(Schema, inputTypes);

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(CustomValidation.Multiply(args));
}
