using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Core.Strings;

/// <summary>ComfyUI's StringConcatenate: <c>delimiter.join((string_a, string_b))</c>.</summary>
internal sealed class StringConcatenate : INode
{
    public static NodeSchema Schema { get; } = new("StringConcatenate", StringModule.Category)
    {
        DisplayName = "Concatenate",
        PythonModule = StringModule.Name,
        Inputs = [StringModule.Text("string_a"), StringModule.Text("string_b"), V3Input.String("delimiter", defaultValue: "")],
        Outputs = [Output.String()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(string.Concat(args.String("string_a"), args.String("delimiter"), args.String("string_b"))));
}
