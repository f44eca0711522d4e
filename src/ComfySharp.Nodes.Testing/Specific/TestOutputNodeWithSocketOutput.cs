using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing.Specific;

/// <summary>specific_tests.py TestOutputNodeWithSocketOutput: an output node that also has an output socket (<c>image * value</c>).</summary>
internal sealed class TestOutputNodeWithSocketOutput : INode
{
    public static NodeSchema Schema { get; } = new("TestOutputNodeWithSocketOutput", SpecificTests.ForTesting)
    {
        DisplayName = "Test Output Node With Socket Output",
        PythonModule = TestPack.Module,
        Inputs = [Input.Of("image", "IMAGE"), Input.Float("value", 1.0, min: 0, max: 10)],
        Outputs = [Output.Image()],
        OutputNode = true,
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(PyValues.Multiply(args["image"], args["value"])));
}
