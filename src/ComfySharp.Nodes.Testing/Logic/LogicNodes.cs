using System.Numerics;
using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing.Logic;

/// <summary>What conditions.py and util.py's integer math share: the category, comparison operators and Python's unbounded ints.</summary>
internal static class LogicNodes
{
    public const string Category = "Testing/Logic";

    /// <summary>±0xffffffffffffffff, the bounds of the INT inputs of TestIntConditions and TestIntMathOperation.</summary>
    public const decimal IntBound = ulong.MaxValue;

    public static readonly string[] Comparisons = ["==", "!=", "<", ">", "<=", ">="];

    public static bool Compare(int order, string operation) => operation switch
    {
        "==" => order == 0,
        "!=" => order != 0,
        "<" => order < 0,
        ">" => order > 0,
        "<=" => order <= 0,
        ">=" => order >= 0,
        _ => throw new InvalidOperationException($"Unknown operation '{operation}'."),
    };

    /// <summary>An INT value (long, or ulong past long's range) as the unbounded integer Python has.</summary>
    public static BigInteger Integer(NodeArgs args, string name) => args[name] switch
    {
        long l => l,
        ulong u => u,
        int i => i,
        bool b => b ? 1 : 0,
        var other => throw new InvalidOperationException($"Input '{name}' is {other?.GetType().Name ?? "None"}, expected INT."),
    };

    /// <summary>An integer result as the engine's INT: long, or ulong when only that holds it.</summary>
    public static object ToInt(BigInteger value)
    {
        if (value >= long.MinValue && value <= long.MaxValue) return (long)value;
        if (value.Sign > 0 && value <= ulong.MaxValue) return (ulong)value;
        throw new OverflowException($"The integer {value} does not fit in 64 bits.");
    }
}
