using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing.Lists;

/// <summary>util.py TestAccumulationGetItemNode: <c>accum[index]</c>.</summary>
internal sealed class TestAccumulationGetItemNode : INode, IValidateInputs
{
    public static NodeSchema Schema { get; } = new("TestAccumulationGetItemNode", ListNodes.Category)
    {
        DisplayName = "Accumulation Get Item",
        PythonModule = TestPack.Module,
        Inputs = [Input.Of("accumulation", "ACCUMULATION"), Input.Int("index", 0, step: 1)],
        Outputs = [Output.Of("*")],
        ValidatedInputs = VariantSupport.Arguments,
        ValidatesInputTypes = true,
    };

    public static ValueTask<ValidationResult> ValidateInputsAsync(NodeArgs constants, IReadOnlyDictionary<string, string>? inputTypes,
        CancellationToken ct) => VariantSupport.ValidateAsync(Schema, inputTypes);

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var accum = args.Get<Accumulation>("accumulation").Accum;
        return ValueTask.FromResult(NodeOutput.From(accum[ListNodes.Index(args.Int("index"), accum.Count)]));
    }
}
