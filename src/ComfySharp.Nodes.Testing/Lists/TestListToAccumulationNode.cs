using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing.Lists;

/// <summary>util.py TestListToAccumulationNode: a whole list input (INPUT_IS_LIST) as one accumulation.</summary>
internal sealed class TestListToAccumulationNode : INode, IValidateInputs
{
    public static NodeSchema Schema { get; } = new("TestListToAccumulationNode", ListNodes.Category)
    {
        DisplayName = "List to Accumulation",
        PythonModule = TestPack.Module,
        Inputs = [Input.Of("list", "*")],
        Outputs = [Output.Of("ACCUMULATION")],
        InputIsList = true,
        ValidatedInputs = VariantSupport.Arguments,
        ValidatesInputTypes = true,
    };

    public static ValueTask<ValidationResult> ValidateInputsAsync(NodeArgs constants, IReadOnlyDictionary<string, string>? inputTypes,
        CancellationToken ct) => VariantSupport.ValidateAsync(Schema, inputTypes);

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(new Accumulation(args.List("list"))));
}
