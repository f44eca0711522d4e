using System.Text.RegularExpressions;
using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Core.Strings;

/// <summary>
/// ComfyUI's RegexExtract: the first match, every match (<c>re.findall</c>), or group <c>group_index</c> of the first or every match,
/// joined by newlines. A bad pattern yields "" (ComfyUI catches re.error).
/// </summary>
internal sealed class RegexExtract : INode
{
    public static NodeSchema Schema { get; } = new("RegexExtract", StringModule.Category)
    {
        DisplayName = "Regex Extract",
        PythonModule = StringModule.Name,
        Inputs =
        [
            StringModule.Text("string"), StringModule.Text("regex_pattern"),
            V3Input.Combo("mode", ["First Match", "All Matches", "First Group", "All Groups"]), V3Input.Boolean("case_insensitive", true),
            V3Input.Boolean("multiline", false), V3Input.Boolean("dotall", false), V3Input.Int("group_index", 1, min: 0, max: 100),
        ],
        Outputs = [Output.String()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        PyRegex regex;
        try
        {
            regex = PyRegex.Compile(args.String("regex_pattern"), args.Bool("case_insensitive"), args.Bool("multiline"), args.Bool("dotall"));
        }
        catch (ArgumentException)
        {
            return ValueTask.FromResult(NodeOutput.From(""));
        }
        return ValueTask.FromResult(NodeOutput.From(Extract(regex, args.String("string"), args.String("mode"), args.Int("group_index"))));
    }

    internal static string? Extract(PyRegex regex, string s, string mode, long groupIndex)
    {
        switch (mode)
        {
            case "First Match":
            {
                var m = regex.Regex.Match(s);
                return m.Success ? m.Value : "";
            }
            case "All Matches":
            {
                // re.findall: the whole match without groups, else group 1 (the first item of each tuple).
                var all = new List<string>();
                foreach (Match m in regex.Regex.Matches(s)) all.Add(regex.GroupCount == 0 ? m.Value : m.Groups[1].Value);
                return string.Join('\n', all);
            }
            case "First Group":
            {
                var m = regex.Regex.Match(s);
                if (!m.Success || regex.GroupCount < groupIndex) return "";
                // A group that took no part in the match is None in Python, and so is the output.
                var group = m.Groups[(int)groupIndex];
                return group.Success ? group.Value : null;
            }
            case "All Groups":
            {
                var groups = new List<string>();
                if (regex.GroupCount == 0 || regex.GroupCount < groupIndex) return "";
                foreach (Match m in regex.Regex.Matches(s))
                {
                    var group = m.Groups[(int)groupIndex];
                    // Python's "\n".join fails on the None of a group that took no part.
                    if (!group.Success) throw new InvalidOperationException($"sequence item {groups.Count}: expected str instance, NoneType found");
                    groups.Add(group.Value);
                }
                return string.Join('\n', groups);
            }
            default:
                return "";
        }
    }
}
