using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing.Lists;

/// <summary>util.py TestAccumulationSetItemNode: a copy of the accumulation with <c>accum[index] = value</c>.</summary>
internal sealed class TestAccumulationSetItemNode : INode, IValidateInputs
{
    public static NodeSchema Schema { get; } = new("TestAccumulationSetItemNode", ListNodes.Category)
    {
        DisplayName = "Accumulation Set Item",
        PythonModule = TestPack.Module,
        Inputs = [Input.Of("accumulation", "ACCUMULATION"), Input.Int("index", 0, step: 1), Input.Of("value", "*")],
        Outputs = [Output.Of("ACCUMULATION")],
        ValidatedInputs = VariantSupport.Arguments,
        ValidatesInputTypes = true,
    };

    public static ValueTask<ValidationResult> ValidateInputsAsync(NodeArgs constants, IReadOnlyDictionary<string, string>? inputTypes,
        CancellationToken ct) => VariantSupport.ValidateAsync(Schema, inputTypes);

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var list = new List<object?>(args.Get<Accumulation>("accumulation").Accum);
        list[ListNodes.Index(args.Int("index"), list.Count)] = args.GetValueOrDefault("value");
        return ValueTask.FromResult(NodeOutput.From(new Accumulation(list)));
    }
}
