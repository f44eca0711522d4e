using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Core.Primitives;

/// <summary>ComfyUI's PrimitiveInt: a widget that passes its integer on.</summary>
internal sealed class PrimitiveInt : INode
{
    public static NodeSchema Schema { get; } = new("PrimitiveInt", PrimitiveModule.Category)
    {
        DisplayName = "Int",
        PythonModule = PrimitiveModule.Name,
        Inputs = [V3Input.Int("value", min: -PrimitiveModule.MaxSize, max: PrimitiveModule.MaxSize, controlAfterGenerate: true)],
        Outputs = [Output.Int()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(args.Int("value")));
}
