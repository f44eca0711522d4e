using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Core.Strings;

/// <summary>ComfyUI's StringTrim: <c>strip()</c>, <c>lstrip()</c> or <c>rstrip()</c>.</summary>
internal sealed class StringTrim : INode
{
    public static NodeSchema Schema { get; } = new("StringTrim", StringModule.Category)
    {
        DisplayName = "Trim",
        PythonModule = StringModule.Name,
        Inputs = [StringModule.Text("string"), V3Input.Combo("mode", ["Both", "Left", "Right"])],
        Outputs = [Output.String()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var s = args.String("string");
        var result = args.String("mode") switch
        {
            "Both" => PyStrings.Strip(s, left: true, right: true),
            "Left" => PyStrings.Strip(s, left: true, right: false),
            "Right" => PyStrings.Strip(s, left: false, right: true),
            _ => s,
        };
        return ValueTask.FromResult(NodeOutput.From(result));
    }
}
