using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Core.Strings;

/// <summary>ComfyUI's RegexReplace: <c>re.sub</c> with a Python replacement template. Unlike match and extract, a bad pattern fails the node.</summary>
internal sealed class RegexReplace : INode
{
    public static NodeSchema Schema { get; } = new("RegexReplace", StringModule.Category)
    {
        DisplayName = "Regex Replace",
        Description = "Find and replace text using regex patterns.",
        PythonModule = StringModule.Name,
        Inputs =
        [
            StringModule.Text("string"), StringModule.Text("regex_pattern"), StringModule.Text("replace"),
            V3Input.Boolean("case_insensitive", true, InputSection.Optional), V3Input.Boolean("multiline", false, InputSection.Optional),
            V3Input.Boolean("dotall", false, InputSection.Optional,
                "When enabled, the dot (.) character will match any character including newline characters. When disabled, dots won't match newlines."),
            V3Input.Int("count", 0, min: 0, max: 100, section: InputSection.Optional,
                tooltip: "Maximum number of replacements to make. Set to 0 to replace all occurrences (default). Set to 1 to replace only the first match, 2 for the first two matches, etc."),
        ],
        Outputs = [Output.String()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var regex = PyRegex.Compile(args.String("regex_pattern"), args.BoolOrDefault("case_insensitive", true),
            args.BoolOrDefault("multiline", false), args.BoolOrDefault("dotall", false));
        var count = checked((int)args.IntOrDefault("count", 0));
        return ValueTask.FromResult(NodeOutput.From(regex.Substitute(args.String("string"), args.String("replace"), count)));
    }
}
