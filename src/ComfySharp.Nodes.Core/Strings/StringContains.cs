using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Core.Strings;

/// <summary>ComfyUI's StringContains: <c>substring in string</c>, both lower-cased first unless case-sensitive.</summary>
internal sealed class StringContains : INode
{
    public static NodeSchema Schema { get; } = new("StringContains", StringModule.Category)
    {
        DisplayName = "Contains",
        PythonModule = StringModule.Name,
        Inputs = [StringModule.Text("string"), StringModule.Text("substring"), V3Input.Boolean("case_sensitive", true)],
        Outputs = [Output.Boolean("contains")],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var s = args.String("string");
        var substring = args.String("substring");
        if (!args.Bool("case_sensitive"))
        {
            s = PyStrings.Lower(s);
            substring = PyStrings.Lower(substring);
        }
        return ValueTask.FromResult(NodeOutput.From(s.Contains(substring, StringComparison.Ordinal)));
    }
}
