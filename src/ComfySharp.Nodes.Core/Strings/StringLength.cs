using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Core.Strings;

/// <summary>ComfyUI's StringLength: <c>len(string)</c> in code points.</summary>
internal sealed class StringLength : INode
{
    public static NodeSchema Schema { get; } = new("StringLength", StringModule.Category)
    {
        DisplayName = "Length",
        PythonModule = StringModule.Name,
        Inputs = [StringModule.Text("string")],
        Outputs = [Output.Int("length")],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From((long)PyStrings.Length(args.String("string"))));
}
