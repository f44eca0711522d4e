using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing.Lists;

/// <summary>util.py TestAccumulateNode: appends <c>to_add</c> to the accumulation (a new one when none is linked).</summary>
internal sealed class TestAccumulateNode : INode, IValidateInputs
{
    public static NodeSchema Schema { get; } = new("TestAccumulateNode", ListNodes.Category)
    {
        DisplayName = "Accumulate",
        PythonModule = TestPack.Module,
        Inputs = [Input.Of("to_add", "*"), Input.Of("accumulation", "ACCUMULATION", InputSection.Optional)],
        Outputs = [Output.Of("ACCUMULATION")],
        ValidatedInputs = VariantSupport.Arguments,
        ValidatesInputTypes = true,
    };

    public static ValueTask<ValidationResult> ValidateInputsAsync(NodeArgs constants, IReadOnlyDictionary<string, string>? inputTypes,
        CancellationToken ct) => VariantSupport.ValidateAsync(Schema, inputTypes);

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var list = args.GetValueOrDefault("accumulation") is Accumulation a ? new List<object?>(a.Accum) : [];
        list.Add(args.GetValueOrDefault("to_add"));
        return ValueTask.FromResult(NodeOutput.From(new Accumulation(list)));
    }
}
