using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Core.Primitives;

/// <summary>ComfyUI's PrimitiveStringMultiline: a widget that passes its multi-line text on.</summary>
internal sealed class PrimitiveStringMultiline : INode
{
    public static NodeSchema Schema { get; } = new("PrimitiveStringMultiline", PrimitiveModule.Category)
    {
        DisplayName = "String (Multiline)",
        PythonModule = PrimitiveModule.Name,
        Inputs = [V3Input.String("value", multiline: true)],
        Outputs = [Output.String()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(args.String("value")));
}
