using System.Text.Json.Nodes;
using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Testing;

/// <summary>Python operations the test nodes apply to whatever flows through them: truthiness, <c>*</c> and <c>type()</c>.</summary>
internal static class PyValues
{
    /// <summary><c>bool(value)</c>; for a tensor, the test pack's own rule (false when all zero).</summary>
    public static bool Truthy(object? value) => value switch
    {
        null => false,
        bool b => b,
        long l => l != 0,
        ulong u => u != 0,
        int i => i != 0,
        double d => d != 0,
        string s => s.Length > 0,
        Tensor t => !(t.Max() == 0 && t.Min() == 0),
        JsonArray a => a.Count > 0,
        JsonObject o => o.Count > 0,
        IReadOnlyCollection<object?> c => c.Count > 0,
        System.Collections.ICollection c => c.Count > 0,
        _ => true,
    };

    /// <summary><c>a * b</c> on numbers and tensors (tensors broadcast as in torch).</summary>
    public static object Multiply(object? a, object? b) => (a, b) switch
    {
        (Tensor x, Tensor y) => BroadcastMultiply(x, y),
        (Tensor x, _) when IsNumber(b) => x.Multiply((float)ToDouble(b)),
        (_, Tensor y) when IsNumber(a) => y.Multiply((float)ToDouble(a)),
        (long x, long y) => checked(x * y),
        _ when IsNumber(a) && IsNumber(b) => ToDouble(a) * ToDouble(b),
        _ => throw new InvalidOperationException($"unsupported operand type(s) for *: '{Name(a)}' and '{Name(b)}'"),
    };

    private static Tensor BroadcastMultiply(Tensor x, Tensor y)
    {
        var shape = Tensor.BroadcastShapes(x.Shape, y.Shape);
        return x.BroadcastTo(shape).Multiply(y.BroadcastTo(shape));
    }

    private static bool IsNumber(object? v) => v is long or ulong or int or double or float or bool;

    private static double ToDouble(object? v) => v switch
    {
        long l => l,
        ulong u => u,
        int i => i,
        double d => d,
        float f => f,
        bool b => b ? 1 : 0,
        _ => throw new InvalidOperationException($"'{Name(v)}' is not a number"),
    };

    /// <summary>Python's <c>str(type(value))</c>, as the custom validation nodes put it in their messages.</summary>
    public static string TypeOf(object? value) => $"<class '{(value is Tensor ? "torch.Tensor" : Name(value))}'>";

    private static string Name(object? value) => value switch
    {
        null => "NoneType",
        bool => "bool",
        long or ulong or int => "int",
        double or float => "float",
        string => "str",
        Tensor => "Tensor",
        JsonArray or IReadOnlyList<object?> => "list",
        JsonObject or IReadOnlyDictionary<string, object?> => "dict",
        _ => value.GetType().Name,
    };
}
