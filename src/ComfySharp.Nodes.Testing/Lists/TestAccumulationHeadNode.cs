using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing.Lists;

/// <summary>util.py TestAccumulationHeadNode: the rest of the accumulation and its first item (the same accumulation and None when empty).</summary>
internal sealed class TestAccumulationHeadNode : INode, IValidateInputs
{
    public static NodeSchema Schema { get; } = new("TestAccumulationHeadNode", ListNodes.Category)
    {
        DisplayName = "Accumulation Head",
        PythonModule = TestPack.Module,
        Inputs = [Input.Of("accumulation", "ACCUMULATION")],
        Outputs = [Output.Of("ACCUMULATION"), Output.Of("*")],
        ValidatedInputs = VariantSupport.Arguments,
        ValidatesInputTypes = true,
    };

    public static ValueTask<ValidationResult> ValidateInputsAsync(NodeArgs constants, IReadOnlyDictionary<string, string>? inputTypes,
        CancellationToken ct) => VariantSupport.ValidateAsync(Schema, inputTypes);

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var accum = args.Get<Accumulation>("accumulation").Accum;
        if (accum.Count == 0) return ValueTask.FromResult(NodeOutput.From(args["accumulation"], null));
        var rest = new List<object?>(accum.Count - 1);
        for (var i = 1; i < accum.Count; i++) rest.Add(accum[i]);
        return ValueTask.FromResult(NodeOutput.From(new Accumulation(rest), accum[0]));
    }
}
