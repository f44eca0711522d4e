using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing.Logic;

/// <summary>conditions.py TestStringConditions: compares two strings, both lower-cased first unless case-sensitive.</summary>
internal sealed class TestStringConditions : INode
{
    public static NodeSchema Schema { get; } = new("TestStringConditions", LogicNodes.Category)
    {
        DisplayName = "String Condition",
        PythonModule = TestPack.Module,
        Inputs =
        [
            // ("STRING", {"multiline": False}): no default.
            new InputSpec("a", "STRING") { Extra = new JsonObject { ["multiline"] = false } },
            new InputSpec("b", "STRING") { Extra = new JsonObject { ["multiline"] = false } },
            Input.Combo("operation", ["a == b", "a != b", "a IN b", "a MATCH REGEX(b)", "a BEGINSWITH b", "a ENDSWITH b"]),
            Input.Boolean("case_sensitive", true),
        ],
        Outputs = [Output.Boolean()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var a = args.String("a");
        var b = args.String("b");
        if (!args.Bool("case_sensitive"))
        {
            a = a.ToLowerInvariant();
            b = b.ToLowerInvariant();
        }
        var result = args.String("operation") switch
        {
            "a == b" => a == b,
            "a != b" => a != b,
            "a IN b" => b.Contains(a, StringComparison.Ordinal),
            "a MATCH REGEX(b)" => MatchesAtStart(a, b),
            "a BEGINSWITH b" => a.StartsWith(b, StringComparison.Ordinal),
            "a ENDSWITH b" => a.EndsWith(b, StringComparison.Ordinal),
            var operation => throw new InvalidOperationException($"Unknown operation '{operation}'."),
        };
        return ValueTask.FromResult(NodeOutput.From(result));
    }

    /// <summary>
    /// <c>re.match(pattern, text)</c>, anchored at the start; any error means no match (the Python node catches everything).
    /// Python-only syntax is not translated here: named groups <c>(?P&lt;…&gt;)</c> make the .NET pattern invalid, hence false.
    /// </summary>
    private static bool MatchesAtStart(string text, string pattern)
    {
        try
        {
            return Regex.IsMatch(text, @"\G(?:" + pattern + ")", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is ArgumentException or RegexMatchTimeoutException)
        {
            return false;
        }
    }
}
