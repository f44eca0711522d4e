using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing.Specific;

/// <summary>
/// specific_tests.py TestDynamicDependencyCycle: expands into two TestLazyMixImages that feed each other, a cycle the static
/// validation cannot see; the executor must report it as an execution error of this node.
/// </summary>
internal sealed class TestDynamicDependencyCycle : INode
{
    public static NodeSchema Schema { get; } = new("TestDynamicDependencyCycle", SpecificTests.Category)
    {
        DisplayName = "Dynamic Dependency Cycle",
        PythonModule = TestPack.Module,
        Inputs = [Input.Of("input1", "IMAGE"), Input.Of("input2", "IMAGE")],
        Outputs = [Output.Image()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var g = context.CreateGraphBuilder();
        var mask = g.Node("StubMask").Set("value", 0.5).Set("height", 512L).Set("width", 512L).Set("batch_size", 1L);
        var mix1 = g.Node("TestLazyMixImages").Set("image1", args["input1"]).Set("mask", mask.Out(0));
        var mix2 = g.Node("TestLazyMixImages").Set("image1", mix1.Out(0)).Set("image2", args["input2"]).Set("mask", mask.Out(0));
        mix1.Set("image2", mix2.Out(0));
        return ValueTask.FromResult(NodeOutput.Expand(g.Finalize(mix2.Out(0))));
    }
}
