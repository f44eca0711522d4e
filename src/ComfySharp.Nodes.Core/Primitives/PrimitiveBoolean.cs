using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Core.Primitives;

/// <summary>ComfyUI's PrimitiveBoolean: a widget that passes its boolean on.</summary>
internal sealed class PrimitiveBoolean : INode
{
    public static NodeSchema Schema { get; } = new("PrimitiveBoolean", PrimitiveModule.Category)
    {
        DisplayName = "Boolean",
        PythonModule = PrimitiveModule.Name,
        Inputs = [V3Input.Boolean("value")],
        Outputs = [Output.Boolean()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(args.Bool("value")));
}
