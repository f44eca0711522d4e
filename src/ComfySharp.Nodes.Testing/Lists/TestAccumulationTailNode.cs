using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing.Lists;

/// <summary>util.py TestAccumulationTailNode (no VariantSupport): the accumulation without its last item, and that item.</summary>
internal sealed class TestAccumulationTailNode : INode
{
    public static NodeSchema Schema { get; } = new("TestAccumulationTailNode", ListNodes.Category)
    {
        DisplayName = "Accumulation Tail",
        PythonModule = TestPack.Module,
        Inputs = [Input.Of("accumulation", "ACCUMULATION")],
        Outputs = [Output.Of("ACCUMULATION"), Output.Of("*")],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var accum = args.Get<Accumulation>("accumulation").Accum;
        // As in util.py, an empty accumulation comes out swapped: (None, accumulation).
        if (accum.Count == 0) return ValueTask.FromResult(NodeOutput.From(null, args["accumulation"]));
        var rest = new List<object?>(accum.Count - 1);
        for (var i = 0; i < accum.Count - 1; i++) rest.Add(accum[i]);
        return ValueTask.FromResult(NodeOutput.From(new Accumulation(rest), accum[^1]));
    }
}
