using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Testing;

/// <summary>Shared pieces of the test pack: its python_module, VariantSupport's type rule, and tensor helpers.</summary>
internal static class TestingSchemas
{
    public const string Module = "custom_nodes.testing-pack";
    public const int FlowSockets = 5;
    public const int ListSockets = 10;

    /// <summary>
    /// The validator that ComfyUI's VariantSupport decorator adds: each linked type must be a subset of the declared comma union
    /// (wildcards always pass). Nodes using it take <c>input_types</c> only, so the usual type check is skipped.
    /// </summary>
    public static ValidationResult VariantCheck(NodeSchema schema, IReadOnlyDictionary<string, string>? inputTypes)
    {
        if (inputTypes is null) return ValidationResult.Ok;
        foreach (var (name, received) in inputTypes)
        {
            if (schema.FindInput(name) is not { } input || input.Section == InputSection.Hidden) continue;
            if (!IsSubset(received, input.Type)) return ValidationResult.Fail($"Invalid type of {name}: {received} (expected {input.Type})");
        }
        return ValidationResult.Ok;
    }

    private static bool IsSubset(string received, string declared)
    {
        if (received == "*" || declared == "*") return true;
        var allowed = declared.Split(',');
        foreach (var r in received.Split(','))
        {
            if (Array.IndexOf(allowed, r) < 0) return false;
        }
        return true;
    }

    public static int[] ImageShape(long batch, long height, long width) => [checked((int)batch), checked((int)height), checked((int)width), 3];

    /// <summary>Python's truthiness for the values test nodes pass around.</summary>
    public static bool Truthy(object? value) => value switch
    {
        null => false,
        bool b => b,
        long l => l != 0,
        ulong u => u != 0,
        double d => d != 0,
        string s => s.Length > 0,
        Tensor t => !(t.Max() == 0 && t.Min() == 0),
        System.Collections.ICollection c => c.Count > 0,
        _ => true,
    };
}
