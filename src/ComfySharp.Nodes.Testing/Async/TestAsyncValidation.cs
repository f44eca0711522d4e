using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Testing.Async;

/// <summary>async_test_nodes.py TestAsyncValidation: an async VALIDATE_INPUTS (50 ms) rejecting a value above the threshold.</summary>
internal sealed class TestAsyncValidation : INode, IValidateInputs
{
    public static NodeSchema Schema { get; } = new("TestAsyncValidation", AsyncNodes.Category)
    {
        DisplayName = "Test Async Validation",
        PythonModule = TestPack.Module,
        Inputs = [AsyncNodes.Float("value", 5.0), AsyncNodes.Float("threshold", 10.0)],
        Outputs = [Output.Image()],
        ValidatedInputs = ["value", "threshold"],
    };

    public static async ValueTask<ValidationResult> ValidateInputsAsync(NodeArgs constants, IReadOnlyDictionary<string, string>? inputTypes,
        CancellationToken ct)
    {
        await Task.Delay(50, ct);
        // Python compares None (a linked input) with a float and raises; linked inputs simply pass here.
        if (constants.GetValueOrDefault("value") is double value && constants.GetValueOrDefault("threshold") is double threshold && value > threshold)
        {
            return ValidationResult.Fail($"Value {AsyncNodes.Str(value)} exceeds threshold {AsyncNodes.Str(threshold)}");
        }
        return ValidationResult.Ok;
    }

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(Tensor.Full(1f, 1, 512, 512, 3).Multiply((float)(args.Float("value") / 10.0))));
}
