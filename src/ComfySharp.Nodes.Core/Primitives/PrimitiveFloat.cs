using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Core.Primitives;

/// <summary>ComfyUI's PrimitiveFloat: a widget that passes its number on.</summary>
internal sealed class PrimitiveFloat : INode
{
    public static NodeSchema Schema { get; } = new("PrimitiveFloat", PrimitiveModule.Category)
    {
        DisplayName = "Float",
        PythonModule = PrimitiveModule.Name,
        Inputs = [V3Input.Float("value", min: -PrimitiveModule.MaxSize, max: PrimitiveModule.MaxSize)],
        Outputs = [Output.Float()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(args.Float("value")));
}
