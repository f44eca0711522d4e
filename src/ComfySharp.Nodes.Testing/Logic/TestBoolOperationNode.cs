using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing.Logic;

/// <summary>conditions.py TestBoolOperationNode: and, or, xor of two booleans, or not of the first.</summary>
internal sealed class TestBoolOperationNode : INode
{
    public static NodeSchema Schema { get; } = new("TestBoolOperationNode", LogicNodes.Category)
    {
        DisplayName = "Bool Operation",
        PythonModule = TestPack.Module,
        Inputs = [Input.Of("a", "BOOLEAN"), Input.Of("b", "BOOLEAN"), Input.Combo("op", ["a AND b", "a OR b", "a XOR b", "NOT a"])],
        Outputs = [Output.Boolean()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var a = PyValues.Truthy(args.GetValueOrDefault("a"));
        var b = PyValues.Truthy(args.GetValueOrDefault("b"));
        var result = args.String("op") switch
        {
            "a AND b" => a && b,
            "a OR b" => a || b,
            "a XOR b" => a ^ b,
            "NOT a" => !a,
            var op => throw new InvalidOperationException($"Unknown operation '{op}'."),
        };
        return ValueTask.FromResult(NodeOutput.From(result));
    }
}
