using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing.Logic;

/// <summary>conditions.py TestToBoolNode: <c>bool(value)</c> (a tensor is false when all zero), optionally inverted.</summary>
internal sealed class TestToBoolNode : INode
{
    public static NodeSchema Schema { get; } = new("TestToBoolNode", LogicNodes.Category)
    {
        DisplayName = "To Bool",
        PythonModule = TestPack.Module,
        Inputs = [Input.Of("value", "*"), Input.Boolean("invert", false, InputSection.Optional)],
        Outputs = [Output.Boolean()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var result = PyValues.Truthy(args.GetValueOrDefault("value"));
        if (PyValues.Truthy(args.GetValueOrDefault("invert", false))) result = !result;
        return ValueTask.FromResult(NodeOutput.From(result));
    }
}
