using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Core.Strings;

/// <summary>ComfyUI's CaseConverter: <c>upper()</c>, <c>lower()</c>, <c>capitalize()</c> or <c>title()</c>.</summary>
internal sealed class CaseConverter : INode
{
    public static NodeSchema Schema { get; } = new("CaseConverter", StringModule.Category)
    {
        DisplayName = "Case Converter",
        PythonModule = StringModule.Name,
        Inputs = [StringModule.Text("string"), V3Input.Combo("mode", ["UPPERCASE", "lowercase", "Capitalize", "Title Case"])],
        Outputs = [Output.String()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var s = args.String("string");
        var result = args.String("mode") switch
        {
            "UPPERCASE" => PyStrings.Upper(s),
            "lowercase" => PyStrings.Lower(s),
            "Capitalize" => PyStrings.Capitalize(s),
            "Title Case" => PyStrings.Title(s),
            _ => s,
        };
        return ValueTask.FromResult(NodeOutput.From(result));
    }
}
