using System.Numerics;
using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing.Logic;

/// <summary>
/// util.py TestIntMathOperation: integer arithmetic with Python's rules: <c>//</c> and <c>%</c> floor toward negative infinity,
/// and <c>**</c> with a negative exponent gives a float. The loop nodes use it to count down.
/// </summary>
internal sealed class TestIntMathOperation : INode
{
    public static NodeSchema Schema { get; } = new("TestIntMathOperation", LogicNodes.Category)
    {
        DisplayName = "Int Math Operation",
        PythonModule = TestPack.Module,
        Inputs =
        [
            Input.Int("a", 0, min: -LogicNodes.IntBound, max: LogicNodes.IntBound, step: 1),
            Input.Int("b", 0, min: -LogicNodes.IntBound, max: LogicNodes.IntBound, step: 1),
            Input.Combo("operation", ["add", "subtract", "multiply", "divide", "modulo", "power"]),
        ],
        Outputs = [Output.Int()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var a = LogicNodes.Integer(args, "a");
        var b = LogicNodes.Integer(args, "b");
        object result = args.String("operation") switch
        {
            "add" => LogicNodes.ToInt(a + b),
            "subtract" => LogicNodes.ToInt(a - b),
            "multiply" => LogicNodes.ToInt(a * b),
            "divide" => LogicNodes.ToInt(FloorDivide(a, b)),
            "modulo" => LogicNodes.ToInt(a - b * FloorDivide(a, b)),
            "power" => Power(a, b),
            var operation => throw new InvalidOperationException($"Unknown operation '{operation}'."),
        };
        return ValueTask.FromResult(NodeOutput.From(result));
    }

    private static BigInteger FloorDivide(BigInteger a, BigInteger b)
    {
        if (b.IsZero) throw new DivideByZeroException("integer division or modulo by zero");
        var q = BigInteger.DivRem(a, b, out var r);
        return !r.IsZero && (r.Sign < 0) != (b.Sign < 0) ? q - 1 : q;
    }

    private static object Power(BigInteger a, BigInteger b)
    {
        if (b.Sign >= 0)
        {
            // Anything past 64 bits fails in ToInt anyway; cap the exponent so the attempt stays cheap.
            if (b > 4096 && BigInteger.Abs(a) > 1) throw new OverflowException($"The integer {a} ** {b} does not fit in 64 bits.");
            return LogicNodes.ToInt(BigInteger.Pow(a, (int)BigInteger.Min(b, int.MaxValue)));
        }
        if (a.IsZero) throw new DivideByZeroException("0.0 cannot be raised to a negative power");
        return Math.Pow((double)a, (double)b);
    }
}
