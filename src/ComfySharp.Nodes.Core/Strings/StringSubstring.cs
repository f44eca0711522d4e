using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Core.Strings;

/// <summary>ComfyUI's StringSubstring: <c>string[start:end]</c>, negative indices counting from the end.</summary>
internal sealed class StringSubstring : INode
{
    public static NodeSchema Schema { get; } = new("StringSubstring", StringModule.Category)
    {
        DisplayName = "Substring",
        PythonModule = StringModule.Name,
        Inputs = [StringModule.Text("string"), V3Input.Int("start"), V3Input.Int("end")],
        Outputs = [Output.String()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(PyStrings.Slice(args.String("string"), args.Int("start"), args.Int("end"))));
}
