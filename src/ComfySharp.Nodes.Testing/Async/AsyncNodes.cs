using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing.Async;

/// <summary>What async_test_nodes.py and api_test_nodes.py share.</summary>
internal static class AsyncNodes
{
    public const string Category = "_for_testing/async";

    /// <summary>A FLOAT input with only the options given, as these nodes declare them (most have no min or max).</summary>
    public static InputSpec Float(string name, double defaultValue, decimal? min = null, decimal? max = null) =>
        new(name, "FLOAT") { Default = defaultValue, Min = min, Max = max };

    /// <summary>Python's <c>str(float)</c>, as the nodes' messages embed their values.</summary>
    public static string Str(double value) => Engine.Validation.PyText.Float(value);
}
