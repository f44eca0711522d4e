using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing.FlowControl;

/// <summary>The value sockets the loop nodes carry from one iteration to the next (flow_control.py's NUM_FLOW_SOCKETS).</summary>
internal static class FlowSockets
{
    public const int Count = 5;
    public const string Category = "Testing/Flow";

    /// <summary><c>initial_value{first}</c> … <c>initial_value4</c> of type <c>*</c>.</summary>
    public static IEnumerable<InputSpec> Inputs(int first, InputSection section, bool rawLink = false)
    {
        for (var i = first; i < Count; i++) yield return new InputSpec($"initial_value{i}", "*", section) { RawLink = rawLink };
    }

    /// <summary><c>value{first}</c> … <c>value4</c> of type <c>*</c>.</summary>
    public static IEnumerable<OutputSpec> Outputs(int first)
    {
        for (var i = first; i < Count; i++) yield return Output.Of("*", $"value{i}");
    }
}
