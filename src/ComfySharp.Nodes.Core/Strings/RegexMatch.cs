using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Core.Strings;

/// <summary>ComfyUI's RegexMatch: whether <c>re.search</c> finds the pattern; a bad pattern is no match (ComfyUI catches re.error).</summary>
internal sealed class RegexMatch : INode
{
    public static NodeSchema Schema { get; } = new("RegexMatch", StringModule.Category)
    {
        DisplayName = "Regex Match",
        PythonModule = StringModule.Name,
        Inputs =
        [
            StringModule.Text("string"), StringModule.Text("regex_pattern"), V3Input.Boolean("case_insensitive", true),
            V3Input.Boolean("multiline", false), V3Input.Boolean("dotall", false),
        ],
        Outputs = [Output.Boolean("matches")],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        bool result;
        try
        {
            var regex = PyRegex.Compile(args.String("regex_pattern"), args.Bool("case_insensitive"), args.Bool("multiline"), args.Bool("dotall"));
            result = regex.Regex.IsMatch(args.String("string"));
        }
        catch (ArgumentException)
        {
            result = false;
        }
        return ValueTask.FromResult(NodeOutput.From(result));
    }
}
