using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing.Logic;

/// <summary>conditions.py TestIntConditions: compares two integers.</summary>
internal sealed class TestIntConditions : INode
{
    public static NodeSchema Schema { get; } = new("TestIntConditions", LogicNodes.Category)
    {
        DisplayName = "Int Condition",
        PythonModule = TestPack.Module,
        Inputs =
        [
            Input.Int("a", 0, min: -LogicNodes.IntBound, max: LogicNodes.IntBound, step: 1),
            Input.Int("b", 0, min: -LogicNodes.IntBound, max: LogicNodes.IntBound, step: 1),
            Input.Combo("operation", LogicNodes.Comparisons),
        ],
        Outputs = [Output.Boolean()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(
            LogicNodes.Compare(LogicNodes.Integer(args, "a").CompareTo(LogicNodes.Integer(args, "b")), args.String("operation"))));
}
