using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Testing.Async;

/// <summary>async_test_nodes.py TestAsyncValidationError: an async VALIDATE_INPUTS rejecting a value above max_value.</summary>
internal sealed class TestAsyncValidationError : INode, IValidateInputs
{
    public static NodeSchema Schema { get; } = new("TestAsyncValidationError", AsyncNodes.Category)
    {
        DisplayName = "Test Async Validation Error",
        PythonModule = TestPack.Module,
        Inputs = [AsyncNodes.Float("value", 5.0), AsyncNodes.Float("max_value", 10.0)],
        Outputs = [Output.Image()],
        ValidatedInputs = ["value", "max_value"],
    };

    public static async ValueTask<ValidationResult> ValidateInputsAsync(NodeArgs constants, IReadOnlyDictionary<string, string>? inputTypes,
        CancellationToken ct)
    {
        await Task.Delay(50, ct);
        if (constants.GetValueOrDefault("value") is double value && constants.GetValueOrDefault("max_value") is double max && value > max)
        {
            return ValidationResult.Fail($"Async validation failed: {AsyncNodes.Str(value)} > {AsyncNodes.Str(max)}");
        }
        return ValidationResult.Ok;
    }

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(Tensor.Full(1f, 1, 512, 512, 3).Multiply((float)(args.Float("value") / args.Float("max_value")))));
}
