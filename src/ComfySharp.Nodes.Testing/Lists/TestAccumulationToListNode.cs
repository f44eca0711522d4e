using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing.Lists;

/// <summary>util.py TestAccumulationToListNode: the accumulation's items as a list output.</summary>
internal sealed class TestAccumulationToListNode : INode, IValidateInputs
{
    public static NodeSchema Schema { get; } = new("TestAccumulationToListNode", ListNodes.Category)
    {
        DisplayName = "Accumulation to List",
        PythonModule = TestPack.Module,
        Inputs = [Input.Of("accumulation", "ACCUMULATION")],
        Outputs = [Output.Of("*", isList: true)],
        ValidatedInputs = VariantSupport.Arguments,
        ValidatesInputTypes = true,
    };

    public static ValueTask<ValidationResult> ValidateInputsAsync(NodeArgs constants, IReadOnlyDictionary<string, string>? inputTypes,
        CancellationToken ct) => VariantSupport.ValidateAsync(Schema, inputTypes);

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(args.Get<Accumulation>("accumulation").Accum));
}
