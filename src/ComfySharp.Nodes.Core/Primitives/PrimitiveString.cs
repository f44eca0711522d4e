using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Core.Primitives;

/// <summary>ComfyUI's PrimitiveString: a widget that passes its text on.</summary>
internal sealed class PrimitiveString : INode
{
    public static NodeSchema Schema { get; } = new("PrimitiveString", PrimitiveModule.Category)
    {
        DisplayName = "String",
        PythonModule = PrimitiveModule.Name,
        Inputs = [V3Input.String("value")],
        Outputs = [Output.String()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(args.String("value")));
}
