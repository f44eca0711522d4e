using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing.Specific;

/// <summary>specific_tests.py TestParallelSleep: an output node expanding into three TestSleep nodes averaged by TestVariadicAverage.</summary>
internal sealed class TestParallelSleep : INode
{
    public static NodeSchema Schema { get; } = new("TestParallelSleep", SpecificTests.ForTesting)
    {
        DisplayName = "Test Parallel Sleep",
        PythonModule = TestPack.Module,
        Inputs =
        [
            Input.Of("image1", "IMAGE"), Input.Of("image2", "IMAGE"), Input.Of("image3", "IMAGE"),
            Input.Float("sleep1", 0.5, min: 0, max: 10, step: 0.01m), Input.Float("sleep2", 0.5, min: 0, max: 10, step: 0.01m),
            Input.Float("sleep3", 0.5, min: 0, max: 10, step: 0.01m), Hidden.UniqueId(),
        ],
        Outputs = [Output.Image()],
        OutputNode = true,
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var g = context.CreateGraphBuilder();
        var sleep1 = g.Node("TestSleep").Set("value", args["image1"]).Set("seconds", args["sleep1"]);
        var sleep2 = g.Node("TestSleep").Set("value", args["image2"]).Set("seconds", args["sleep2"]);
        var sleep3 = g.Node("TestSleep").Set("value", args["image3"]).Set("seconds", args["sleep3"]);
        var blend = g.Node("TestVariadicAverage").Set("input1", sleep1.Out(0)).Set("input2", sleep2.Out(0)).Set("input3", sleep3.Out(0));
        return ValueTask.FromResult(NodeOutput.Expand(g.Finalize(blend.Out(0))));
    }
}
