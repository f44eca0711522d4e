using System.Text.RegularExpressions;
using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing;

// conditions.py of ComfyUI's execution test pack.

internal static class Comparisons
{
    public static readonly string[] Operations = ["==", "!=", "<", ">", "<=", ">="];

    public static bool Compare(int order, string operation) => operation switch
    {
        "==" => order == 0,
        "!=" => order != 0,
        "<" => order < 0,
        ">" => order > 0,
        "<=" => order <= 0,
        ">=" => order >= 0,
        _ => throw new InvalidOperationException($"Unknown operation {operation}"),
    };
}

internal sealed class TestIntConditions : INode
{
    public static NodeSchema Schema { get; } = new("TestIntConditions", "Testing/Logic")
    {
        DisplayName = "Int Condition", PythonModule = TestingSchemas.Module,
        Inputs =
        [
            Input.Int("a", 0, min: -18446744073709551615m, max: 18446744073709551615m, step: 1),
            Input.Int("b", 0, min: -18446744073709551615m, max: 18446744073709551615m, step: 1),
            Input.Combo("operation", Comparisons.Operations),
        ],
        Outputs = [Output.Boolean()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(Comparisons.Compare(args.Int("a").CompareTo(args.Int("b")), args.String("operation"))));
}

internal sealed class TestFloatConditions : INode
{
    public static NodeSchema Schema { get; } = new("TestFloatConditions", "Testing/Logic")
    {
        DisplayName = "Float Condition", PythonModule = TestingSchemas.Module,
        Inputs =
        [
            Input.Float("a", 0, min: -999999999999.0m, max: 999999999999.0m, step: 1),
            Input.Float("b", 0, min: -999999999999.0m, max: 999999999999.0m, step: 1),
            Input.Combo("operation", Comparisons.Operations),
        ],
        Outputs = [Output.Boolean()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(Comparisons.Compare(args.Float("a").CompareTo(args.Float("b")), args.String("operation"))));
}

internal sealed class TestStringConditions : INode
{
    public static NodeSchema Schema { get; } = new("TestStringConditions", "Testing/Logic")
    {
        DisplayName = "String Condition", PythonModule = TestingSchemas.Module,
        Inputs =
        [
            Input.String("a"), Input.String("b"),
            Input.Combo("operation", ["a == b", "a != b", "a IN b", "a MATCH REGEX(b)", "a BEGINSWITH b", "a ENDSWITH b"]),
            Input.Boolean("case_sensitive", true),
        ],
        Outputs = [Output.Boolean()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var a = args.String("a");
        var b = args.String("b");
        if (!args.Bool("case_sensitive"))
        {
            a = a.ToLowerInvariant();
            b = b.ToLowerInvariant();
        }
        var result = args.String("operation") switch
        {
            "a == b" => a == b,
            "a != b" => a != b,
            "a IN b" => b.Contains(a, StringComparison.Ordinal),
            "a MATCH REGEX(b)" => MatchesAtStart(a, b),
            "a BEGINSWITH b" => a.StartsWith(b, StringComparison.Ordinal),
            "a ENDSWITH b" => a.EndsWith(b, StringComparison.Ordinal),
            _ => false,
        };
        return ValueTask.FromResult(NodeOutput.From(result));
    }

    /// <summary>Python's <c>re.match</c>: anchored at the start; a bad pattern means no match.</summary>
    private static bool MatchesAtStart(string text, string pattern)
    {
        try
        {
            return Regex.IsMatch(text, @"\G(?:" + pattern + ")", RegexOptions.None, TimeSpan.FromSeconds(5));
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}

internal sealed class TestToBoolNode : INode
{
    public static NodeSchema Schema { get; } = new("TestToBoolNode", "Testing/Logic")
    {
        DisplayName = "To Bool", PythonModule = TestingSchemas.Module,
        Inputs = [Input.Of("value", "*"), Input.Boolean("invert", false, InputSection.Optional)],
        Outputs = [Output.Boolean()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var result = TestingSchemas.Truthy(args.GetValueOrDefault("value"));
        if (args.BoolOrDefault("invert", false)) result = !result;
        return ValueTask.FromResult(NodeOutput.From(result));
    }
}

internal sealed class TestBoolOperationNode : INode
{
    public static NodeSchema Schema { get; } = new("TestBoolOperationNode", "Testing/Logic")
    {
        DisplayName = "Bool Operation", PythonModule = TestingSchemas.Module,
        Inputs = [Input.Of("a", "BOOLEAN"), Input.Of("b", "BOOLEAN"), Input.Combo("op", ["a AND b", "a OR b", "a XOR b", "NOT a"])],
        Outputs = [Output.Boolean()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var a = args.Bool("a");
        var b = args.Bool("b");
        var result = args.String("op") switch
        {
            "a AND b" => a && b,
            "a OR b" => a || b,
            "a XOR b" => a ^ b,
            "NOT a" => !a,
            _ => false,
        };
        return ValueTask.FromResult(NodeOutput.From(result));
    }
}
