using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing.Async;

/// <summary>
/// async_test_nodes.py TestDynamicAsyncGeneration: expands into <c>num_async_nodes</c> TestSleep nodes (alternating image1 and
/// image2) averaged by TestVariadicAverage, or the single sleep's output when there is one.
/// </summary>
internal sealed class TestDynamicAsyncGeneration : INode
{
    public static NodeSchema Schema { get; } = new("TestDynamicAsyncGeneration", AsyncNodes.Category)
    {
        DisplayName = "Test Dynamic Async Generation",
        PythonModule = TestPack.Module,
        Inputs =
        [
            Input.Of("image1", "IMAGE"), Input.Of("image2", "IMAGE"), Input.Int("num_async_nodes", 3, min: 1, max: 10),
            AsyncNodes.Float("sleep_duration", 0.2, min: 0.1m, max: 1),
        ],
        Outputs = [Output.Image()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var g = context.CreateGraphBuilder();
        var count = args.Int("num_async_nodes");
        var sleeps = new List<BuilderNode>();
        for (var i = 0; i < count; i++)
        {
            sleeps.Add(g.Node("TestSleep").Set("value", args[i % 2 == 0 ? "image1" : "image2"]).Set("seconds", args["sleep_duration"]));
        }
        var final = sleeps[0];
        if (sleeps.Count > 1)
        {
            final = g.Node("TestVariadicAverage");
            for (var i = 0; i < sleeps.Count; i++) final.Set($"input{i + 1}", sleeps[i].Out(0));
        }
        return ValueTask.FromResult(NodeOutput.Expand(g.Finalize(final.Out(0))));
    }
}
