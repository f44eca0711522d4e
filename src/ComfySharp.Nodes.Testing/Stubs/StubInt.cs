using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing.Stubs;

/// <summary>stubs.py StubInt: passes its integer on.</summary>
internal sealed class StubInt : INode
{
    public static NodeSchema Schema { get; } = new("StubInt", StubSizes.Category)
    {
        DisplayName = "Stub Int",
        PythonModule = TestPack.Module,
        Inputs = [Input.Int("value", 0, min: -0xffffffffL, max: 0xffffffffL, step: 1)],
        Outputs = [Output.Int()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(args["value"]));
}
