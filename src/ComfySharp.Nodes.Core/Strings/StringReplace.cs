using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Core.Strings;

/// <summary>ComfyUI's StringReplace: <c>string.replace(find, replace)</c>, every occurrence, no regex.</summary>
internal sealed class StringReplace : INode
{
    public static NodeSchema Schema { get; } = new("StringReplace", StringModule.Category)
    {
        DisplayName = "Replace",
        PythonModule = StringModule.Name,
        Inputs = [StringModule.Text("string"), StringModule.Text("find"), StringModule.Text("replace")],
        Outputs = [Output.String()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(PyStrings.Replace(args.String("string"), args.String("find"), args.String("replace"))));
}
