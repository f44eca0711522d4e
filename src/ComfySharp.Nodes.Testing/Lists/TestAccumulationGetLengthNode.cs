using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing.Lists;

/// <summary>util.py TestAccumulationGetLengthNode: the number of items.</summary>
internal sealed class TestAccumulationGetLengthNode : INode, IValidateInputs
{
    public static NodeSchema Schema { get; } = new("TestAccumulationGetLengthNode", ListNodes.Category)
    {
        DisplayName = "Accumulation Get Length",
        PythonModule = TestPack.Module,
        Inputs = [Input.Of("accumulation", "ACCUMULATION")],
        Outputs = [Output.Int()],
        ValidatedInputs = VariantSupport.Arguments,
        ValidatesInputTypes = true,
    };

    public static ValueTask<ValidationResult> ValidateInputsAsync(NodeArgs constants, IReadOnlyDictionary<string, string>? inputTypes,
        CancellationToken ct) => VariantSupport.ValidateAsync(Schema, inputTypes);

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From((long)args.Get<Accumulation>("accumulation").Accum.Count));
}
