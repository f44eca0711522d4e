using System.Numerics;
using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing;

// util.py of ComfyUI's execution test pack: accumulations, list conversion, for loops, integer math.

/// <summary>The ACCUMULATION value: a list carried between nodes.</summary>
internal sealed record Accumulation(IReadOnlyList<object?> Accum);

internal abstract class VariantNode
{
    protected static ValueTask<ValidationResult> Check(NodeSchema schema, IReadOnlyDictionary<string, string>? inputTypes) =>
        ValueTask.FromResult(TestingSchemas.VariantCheck(schema, inputTypes));
}

internal sealed class TestAccumulateNode : VariantNode, INode, IValidateInputs
{
    public static NodeSchema Schema { get; } = new("TestAccumulateNode", "Testing/Lists")
    {
        DisplayName = "Accumulate", PythonModule = TestingSchemas.Module, ValidatedInputs = [], ValidatesInputTypes = true,
        Inputs = [Input.Of("to_add", "*"), Input.Of("accumulation", "ACCUMULATION", InputSection.Optional)],
        Outputs = [Output.Of("ACCUMULATION")],
    };

    public static ValueTask<ValidationResult> ValidateInputsAsync(NodeArgs c, IReadOnlyDictionary<string, string>? t, CancellationToken ct) => Check(Schema, t);

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var list = args.GetValueOrDefault("accumulation") is Accumulation a ? new List<object?>(a.Accum) : [];
        list.Add(args.GetValueOrDefault("to_add"));
        return ValueTask.FromResult(NodeOutput.From(new Accumulation(list)));
    }
}

internal sealed class TestAccumulationHeadNode : VariantNode, INode, IValidateInputs
{
    public static NodeSchema Schema { get; } = new("TestAccumulationHeadNode", "Testing/Lists")
    {
        DisplayName = "Accumulation Head", PythonModule = TestingSchemas.Module, ValidatedInputs = [], ValidatesInputTypes = true,
        Inputs = [Input.Of("accumulation", "ACCUMULATION")],
        Outputs = [Output.Of("ACCUMULATION"), Output.Of("*")],
    };

    public static ValueTask<ValidationResult> ValidateInputsAsync(NodeArgs c, IReadOnlyDictionary<string, string>? t, CancellationToken ct) => Check(Schema, t);

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var a = args.Get<Accumulation>("accumulation");
        return ValueTask.FromResult(a.Accum.Count == 0
            ? NodeOutput.From(a, null)
            : NodeOutput.From(new Accumulation(a.Accum.Skip(1).ToList()), a.Accum[0]));
    }
}

internal sealed class TestAccumulationTailNode : INode
{
    public static NodeSchema Schema { get; } = new("TestAccumulationTailNode", "Testing/Lists")
    {
        DisplayName = "Accumulation Tail", PythonModule = TestingSchemas.Module,
        Inputs = [Input.Of("accumulation", "ACCUMULATION")],
        Outputs = [Output.Of("ACCUMULATION"), Output.Of("*")],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var a = args.Get<Accumulation>("accumulation");
        // As in the Python node, an empty accumulation yields (None, accumulation).
        return ValueTask.FromResult(a.Accum.Count == 0
            ? NodeOutput.From(null, a)
            : NodeOutput.From(new Accumulation(a.Accum.Take(a.Accum.Count - 1).ToList()), a.Accum[^1]));
    }
}

internal sealed class TestAccumulationToListNode : VariantNode, INode, IValidateInputs
{
    public static NodeSchema Schema { get; } = new("TestAccumulationToListNode", "Testing/Lists")
    {
        DisplayName = "Accumulation to List", PythonModule = TestingSchemas.Module, ValidatedInputs = [], ValidatesInputTypes = true,
        Inputs = [Input.Of("accumulation", "ACCUMULATION")],
        Outputs = [Output.Of("*", isList: true)],
    };

    public static ValueTask<ValidationResult> ValidateInputsAsync(NodeArgs c, IReadOnlyDictionary<string, string>? t, CancellationToken ct) => Check(Schema, t);

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(args.Get<Accumulation>("accumulation").Accum));
}

internal sealed class TestListToAccumulationNode : VariantNode, INode, IValidateInputs
{
    public static NodeSchema Schema { get; } = new("TestListToAccumulationNode", "Testing/Lists")
    {
        DisplayName = "List to Accumulation", PythonModule = TestingSchemas.Module, ValidatedInputs = [], ValidatesInputTypes = true,
        Inputs = [Input.Of("list", "*")],
        Outputs = [Output.Of("ACCUMULATION")],
        InputIsList = true,
    };

    public static ValueTask<ValidationResult> ValidateInputsAsync(NodeArgs c, IReadOnlyDictionary<string, string>? t, CancellationToken ct) => Check(Schema, t);

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(new Accumulation(args.List("list"))));
}

internal sealed class TestAccumulationGetLengthNode : VariantNode, INode, IValidateInputs
{
    public static NodeSchema Schema { get; } = new("TestAccumulationGetLengthNode", "Testing/Lists")
    {
        DisplayName = "Accumulation Get Length", PythonModule = TestingSchemas.Module, ValidatedInputs = [], ValidatesInputTypes = true,
        Inputs = [Input.Of("accumulation", "ACCUMULATION")],
        Outputs = [Output.Int()],
    };

    public static ValueTask<ValidationResult> ValidateInputsAsync(NodeArgs c, IReadOnlyDictionary<string, string>? t, CancellationToken ct) => Check(Schema, t);

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From((long)args.Get<Accumulation>("accumulation").Accum.Count));
}

internal sealed class TestAccumulationGetItemNode : VariantNode, INode, IValidateInputs
{
    public static NodeSchema Schema { get; } = new("TestAccumulationGetItemNode", "Testing/Lists")
    {
        DisplayName = "Accumulation Get Item", PythonModule = TestingSchemas.Module, ValidatedInputs = [], ValidatesInputTypes = true,
        Inputs = [Input.Of("accumulation", "ACCUMULATION"), Input.Int("index", 0, step: 1)],
        Outputs = [Output.Of("*")],
    };

    public static ValueTask<ValidationResult> ValidateInputsAsync(NodeArgs c, IReadOnlyDictionary<string, string>? t, CancellationToken ct) => Check(Schema, t);

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var list = args.Get<Accumulation>("accumulation").Accum;
        return ValueTask.FromResult(NodeOutput.From(list[PyIndex(args.Int("index"), list.Count)]));
    }

    internal static int PyIndex(long index, int count)
    {
        var i = index < 0 ? index + count : index;
        if (i < 0 || i >= count) throw new ArgumentOutOfRangeException(nameof(index), "list index out of range");
        return (int)i;
    }
}

internal sealed class TestAccumulationSetItemNode : VariantNode, INode, IValidateInputs
{
    public static NodeSchema Schema { get; } = new("TestAccumulationSetItemNode", "Testing/Lists")
    {
        DisplayName = "Accumulation Set Item", PythonModule = TestingSchemas.Module, ValidatedInputs = [], ValidatesInputTypes = true,
        Inputs = [Input.Of("accumulation", "ACCUMULATION"), Input.Int("index", 0, step: 1), Input.Of("value", "*")],
        Outputs = [Output.Of("ACCUMULATION")],
    };

    public static ValueTask<ValidationResult> ValidateInputsAsync(NodeArgs c, IReadOnlyDictionary<string, string>? t, CancellationToken ct) => Check(Schema, t);

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var list = new List<object?>(args.Get<Accumulation>("accumulation").Accum);
        list[TestAccumulationGetItemNode.PyIndex(args.Int("index"), list.Count)] = args.GetValueOrDefault("value");
        return ValueTask.FromResult(NodeOutput.From(new Accumulation(list)));
    }
}

internal sealed class TestIntMathOperation : INode
{
    public static NodeSchema Schema { get; } = new("TestIntMathOperation", "Testing/Logic")
    {
        DisplayName = "Int Math Operation", PythonModule = TestingSchemas.Module,
        Inputs =
        [
            Input.Int("a", 0, min: -18446744073709551615m, max: 18446744073709551615m, step: 1),
            Input.Int("b", 0, min: -18446744073709551615m, max: 18446744073709551615m, step: 1),
            Input.Combo("operation", ["add", "subtract", "multiply", "divide", "modulo", "power"]),
        ],
        Outputs = [Output.Int()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        BigInteger a = args.Int("a");
        BigInteger b = args.Int("b");
        // Python floors integer division and modulo toward negative infinity.
        var result = args.String("operation") switch
        {
            "add" => a + b,
            "subtract" => a - b,
            "multiply" => a * b,
            "divide" => FloorDiv(a, b),
            "modulo" => a - b * FloorDiv(a, b),
            "power" => BigInteger.Pow(a, checked((int)b)),
            _ => throw new InvalidOperationException("Unknown operation"),
        };
        return ValueTask.FromResult(NodeOutput.From((long)result));
    }

    private static BigInteger FloorDiv(BigInteger a, BigInteger b)
    {
        if (b.IsZero) throw new DivideByZeroException("integer division or modulo by zero");
        var q = BigInteger.DivRem(a, b, out var r);
        return !r.IsZero && (r.Sign < 0) != (b.Sign < 0) ? q - 1 : q;
    }
}

internal sealed class TestForLoopOpen : VariantNode, INode, IValidateInputs
{
    public static NodeSchema Schema { get; } = new("TestForLoopOpen", "Testing/Flow")
    {
        DisplayName = "For Loop Open", PythonModule = TestingSchemas.Module, ValidatedInputs = [], ValidatesInputTypes = true,
        Inputs =
        [
            Input.Int("remaining", 1, min: 0, max: 100000, step: 1), .. TestWhileLoopOpen.FlowInputs(1, InputSection.Optional),
            new InputSpec("initial_value0", "*", InputSection.Hidden),
        ],
        Outputs = [Output.Of("FLOW_CONTROL", "flow_control"), Output.Int("remaining"), .. TestWhileLoopOpen.FlowOutputs(1)],
    };

    public static ValueTask<ValidationResult> ValidateInputsAsync(NodeArgs c, IReadOnlyDictionary<string, string>? t, CancellationToken ct) => Check(Schema, t);

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var remaining = args.Has("initial_value0") ? args["initial_value0"] : args["remaining"];
        var graph = context.CreateGraphBuilder();
        var open = graph.Node("TestWhileLoopOpen").Set("condition", remaining).Set("initial_value0", remaining);
        var results = new object?[TestingSchemas.FlowSockets + 1];
        results[0] = "stub";
        results[1] = remaining;
        for (var i = 1; i < TestingSchemas.FlowSockets; i++)
        {
            var value = args.GetValueOrDefault($"initial_value{i}");
            open.Set($"initial_value{i}", value);
            results[i + 1] = value;
        }
        return ValueTask.FromResult(NodeOutput.Expand(graph.Finalize(results)));
    }
}

internal sealed class TestForLoopClose : VariantNode, INode, IValidateInputs
{
    public static NodeSchema Schema { get; } = new("TestForLoopClose", "Testing/Flow")
    {
        DisplayName = "For Loop Close", PythonModule = TestingSchemas.Module, ValidatedInputs = [], ValidatesInputTypes = true,
        Inputs = [new InputSpec("flow_control", "FLOW_CONTROL") { RawLink = true }, .. TestWhileLoopOpen.FlowInputs(1, InputSection.Optional, rawLink: true)],
        Outputs = [.. TestWhileLoopOpen.FlowOutputs(1)],
    };

    public static ValueTask<ValidationResult> ValidateInputsAsync(NodeArgs c, IReadOnlyDictionary<string, string>? t, CancellationToken ct) => Check(Schema, t);

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var graph = context.CreateGraphBuilder();
        var flowControl = args.Get<NodeLink>("flow_control");
        var sub = graph.Node("TestIntMathOperation").Set("operation", "subtract").Set("a", new NodeLink(flowControl.NodeId, 1)).Set("b", 1L);
        var condition = graph.Node("TestToBoolNode").Set("value", sub.Out(0));
        var close = graph.Node("TestWhileLoopClose").Set("flow_control", flowControl).Set("condition", condition.Out(0)).Set("initial_value0", sub.Out(0));
        for (var i = 1; i < TestingSchemas.FlowSockets; i++) close.Set($"initial_value{i}", args.GetValueOrDefault($"initial_value{i}"));
        var results = new object?[TestingSchemas.FlowSockets - 1];
        for (var i = 1; i < TestingSchemas.FlowSockets; i++) results[i - 1] = close.Out(i);
        return ValueTask.FromResult(NodeOutput.Expand(graph.Finalize(results)));
    }
}

internal sealed class TestMakeListNode : VariantNode, INode, IValidateInputs
{
    public static NodeSchema Schema { get; } = new("TestMakeListNode", "Testing/Lists")
    {
        DisplayName = "Make List", PythonModule = TestingSchemas.Module, ValidatedInputs = [], ValidatesInputTypes = true,
        Inputs = [Input.Of("value1", "*"), .. Enumerable.Range(1, TestingSchemas.ListSockets - 1).Select(i => Input.Of($"value{i}", "*", InputSection.Optional)).Skip(1)],
        Outputs = [Output.Of("*", isList: true)],
    };

    public static ValueTask<ValidationResult> ValidateInputsAsync(NodeArgs c, IReadOnlyDictionary<string, string>? t, CancellationToken ct) => Check(Schema, t);

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var result = new List<object?>();
        for (var i = 0; i < TestingSchemas.ListSockets; i++)
        {
            if (args.Has($"value{i}")) result.Add(args[$"value{i}"]);
        }
        return ValueTask.FromResult(NodeOutput.From(result));
    }
}
