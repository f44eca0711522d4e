using System.Text.RegularExpressions;
using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Core.Strings;

// ComfyUI's regex nodes. Python's re and .NET's Regex agree on the common syntax; PyStrings translates named groups and
// replacement templates. Match and extract swallow pattern errors (as ComfyUI does); replace lets them fail the node.

internal sealed class RegexMatch : INode
{
    public static NodeSchema Schema { get; } = new("RegexMatch", StringSchemas.Category)
    {
        DisplayName = "Regex Match",
        PythonModule = StringSchemas.Module,
        Inputs =
        [
            StringSchemas.Text("string"), StringSchemas.Text("regex_pattern"), Input.Boolean("case_insensitive", true),
            Input.Boolean("multiline"), Input.Boolean("dotall"),
        ],
        Outputs = [Output.Boolean("matches")],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        bool result;
        try
        {
            var options = PyStrings.Options(args.Bool("case_insensitive"), args.Bool("multiline"), args.Bool("dotall"));
            result = Regex.IsMatch(args.String("string"), PyStrings.Pattern(args.String("regex_pattern")), options, PyStrings.RegexTimeout);
        }
        catch (ArgumentException)
        {
            result = false;
        }
        return ValueTask.FromResult(NodeOutput.From(result));
    }
}

internal sealed class RegexExtract : INode
{
    public static NodeSchema Schema { get; } = new("RegexExtract", StringSchemas.Category)
    {
        DisplayName = "Regex Extract",
        PythonModule = StringSchemas.Module,
        Inputs =
        [
            StringSchemas.Text("string"), StringSchemas.Text("regex_pattern"),
            Input.Combo("mode", ["First Match", "All Matches", "First Group", "All Groups"]), Input.Boolean("case_insensitive", true),
            Input.Boolean("multiline"), Input.Boolean("dotall"), Input.Int("group_index", 1, min: 0, max: 100),
        ],
        Outputs = [Output.String()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        string result;
        try
        {
            var options = PyStrings.Options(args.Bool("case_insensitive"), args.Bool("multiline"), args.Bool("dotall"));
            var regex = new Regex(PyStrings.Pattern(args.String("regex_pattern")), options, PyStrings.RegexTimeout);
            result = Extract(regex, args.String("string"), args.String("mode"), (int)args.Int("group_index"));
        }
        catch (ArgumentException)
        {
            result = "";
        }
        return ValueTask.FromResult(NodeOutput.From(result));
    }

    private static string Extract(Regex regex, string s, string mode, int groupIndex)
    {
        // Python counts groups without group 0; .NET's Groups includes it.
        switch (mode)
        {
            case "First Match":
                var first = regex.Match(s);
                return first.Success ? first.Value : "";
            case "All Matches":
                // re.findall returns group 1 (or the tuple's first group) when the pattern has groups.
                var all = new List<string>();
                foreach (Match m in regex.Matches(s)) all.Add(m.Groups.Count > 1 ? m.Groups[1].Value : m.Value);
                return string.Join('\n', all);
            case "First Group":
                var match = regex.Match(s);
                return match.Success && match.Groups.Count - 1 >= groupIndex ? match.Groups[groupIndex].Value : "";
            case "All Groups":
                var groups = new List<string>();
                foreach (Match m in regex.Matches(s))
                {
                    if (m.Groups.Count > 1 && m.Groups.Count - 1 >= groupIndex) groups.Add(m.Groups[groupIndex].Value);
                }
                return string.Join('\n', groups);
            default:
                return "";
        }
    }
}

internal sealed class RegexReplace : INode
{
    public static NodeSchema Schema { get; } = new("RegexReplace", StringSchemas.Category)
    {
        DisplayName = "Regex Replace",
        Description = "Find and replace text using regex patterns.",
        PythonModule = StringSchemas.Module,
        Inputs =
        [
            StringSchemas.Text("string"), StringSchemas.Text("regex_pattern"), StringSchemas.Text("replace"),
            Input.Boolean("case_insensitive", true, InputSection.Optional), Input.Boolean("multiline", false, InputSection.Optional),
            Input.Boolean("dotall", false, InputSection.Optional,
                "When enabled, the dot (.) character will match any character including newline characters. When disabled, dots won't match newlines."),
            Input.Int("count", 0, min: 0, max: 100, section: InputSection.Optional,
                tooltip: "Maximum number of replacements to make. Set to 0 to replace all occurrences (default). Set to 1 to replace only the first match, 2 for the first two matches, etc."),
        ],
        Outputs = [Output.String()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var options = PyStrings.Options(args.BoolOrDefault("case_insensitive", true), args.BoolOrDefault("multiline", false),
            args.BoolOrDefault("dotall", false));
        var regex = new Regex(PyStrings.Pattern(args.String("regex_pattern")), options, PyStrings.RegexTimeout);
        var count = (int)args.IntOrDefault("count", 0);
        var result = regex.Replace(args.String("string"), PyStrings.Replacement(args.String("replace")), count == 0 ? -1 : count);
        return ValueTask.FromResult(NodeOutput.From(result));
    }
}
