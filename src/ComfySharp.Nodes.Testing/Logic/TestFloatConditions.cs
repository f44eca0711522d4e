using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing.Logic;

/// <summary>conditions.py TestFloatConditions: compares two floats (NaN compares false, except with "!=").</summary>
internal sealed class TestFloatConditions : INode
{
    public static NodeSchema Schema { get; } = new("TestFloatConditions", LogicNodes.Category)
    {
        DisplayName = "Float Condition",
        PythonModule = TestPack.Module,
        Inputs =
        [
            Input.Float("a", 0, min: -999999999999.0m, max: 999999999999.0m, step: 1),
            Input.Float("b", 0, min: -999999999999.0m, max: 999999999999.0m, step: 1),
            Input.Combo("operation", LogicNodes.Comparisons),
        ],
        Outputs = [Output.Boolean()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var a = args.Float("a");
        var b = args.Float("b");
        var result = args.String("operation") switch
        {
            "==" => a == b,
            "!=" => a != b,
            "<" => a < b,
            ">" => a > b,
            "<=" => a <= b,
            ">=" => a >= b,
            var operation => throw new InvalidOperationException($"Unknown operation '{operation}'."),
        };
        return ValueTask.FromResult(NodeOutput.From(result));
    }
}
