using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Core.Primitives;

// ComfyUI's comfy_extras/nodes_primitive.py: each passes its widget value on. Python's sys.maxsize bounds INT and FLOAT.

internal sealed class PrimitiveString : INode
{
    public static NodeSchema Schema { get; } = new("PrimitiveString", "utils/primitive")
    {
        DisplayName = "String",
        PythonModule = "comfy_extras.nodes_primitive",
        Inputs = [Input.String("value")],
        Outputs = [Output.String()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(args.String("value")));
}

internal sealed class PrimitiveStringMultiline : INode
{
    public static NodeSchema Schema { get; } = new("PrimitiveStringMultiline", "utils/primitive")
    {
        DisplayName = "String (Multiline)",
        PythonModule = "comfy_extras.nodes_primitive",
        Inputs = [Input.String("value", multiline: true)],
        Outputs = [Output.String()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(args.String("value")));
}

internal sealed class PrimitiveInt : INode
{
    public static NodeSchema Schema { get; } = new("PrimitiveInt", "utils/primitive")
    {
        DisplayName = "Int",
        PythonModule = "comfy_extras.nodes_primitive",
        Inputs = [Input.Int("value", 0, min: -long.MaxValue, max: long.MaxValue, controlAfterGenerate: true)],
        Outputs = [Output.Int()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(args.Int("value")));
}

internal sealed class PrimitiveFloat : INode
{
    public static NodeSchema Schema { get; } = new("PrimitiveFloat", "utils/primitive")
    {
        DisplayName = "Float",
        PythonModule = "comfy_extras.nodes_primitive",
        Inputs = [Input.Float("value", 0, min: -long.MaxValue, max: long.MaxValue)],
        Outputs = [Output.Float()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(args.Float("value")));
}

internal sealed class PrimitiveBoolean : INode
{
    public static NodeSchema Schema { get; } = new("PrimitiveBoolean", "utils/primitive")
    {
        DisplayName = "Boolean",
        PythonModule = "comfy_extras.nodes_primitive",
        Inputs = [Input.Boolean("value")],
        Outputs = [Output.Boolean()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(args.Bool("value")));
}
