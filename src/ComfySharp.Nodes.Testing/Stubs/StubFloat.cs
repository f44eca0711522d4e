using System.Text.Json.Nodes;
using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing.Stubs;

/// <summary>stubs.py StubFloat: passes its number on.</summary>
internal sealed class StubFloat : INode
{
    public static NodeSchema Schema { get; } = new("StubFloat", StubSizes.Category)
    {
        DisplayName = "Stub Float",
        PythonModule = TestPack.Module,
        Inputs =
        [
            // stubs.py bounds the value by ±1e38, beyond decimal's range (about ±7.9e28): /object_info shows ±1e38 through the
            // extra options, while validation checks decimal's own bounds, which no prompt in practice reaches.
            Input.Float("value", 0, min: decimal.MinValue, max: decimal.MaxValue, step: 0.01m) with
            {
                Extra = new JsonObject { ["min"] = -1.0e38, ["max"] = 1.0e38 },
            },
        ],
        Outputs = [Output.Float()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(args["value"]));
}
