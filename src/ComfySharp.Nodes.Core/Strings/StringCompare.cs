using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Core.Strings;

/// <summary>ComfyUI's StringCompare: <c>startswith</c>, <c>endswith</c> or <c>==</c>, both lower-cased first unless case-sensitive.</summary>
internal sealed class StringCompare : INode
{
    public static NodeSchema Schema { get; } = new("StringCompare", StringModule.Category)
    {
        DisplayName = "Compare",
        PythonModule = StringModule.Name,
        Inputs =
        [
            StringModule.Text("string_a"), StringModule.Text("string_b"), V3Input.Combo("mode", ["Starts With", "Ends With", "Equal"]),
            V3Input.Boolean("case_sensitive", true),
        ],
        Outputs = [Output.Boolean()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var a = args.String("string_a");
        var b = args.String("string_b");
        if (!args.Bool("case_sensitive"))
        {
            a = PyStrings.Lower(a);
            b = PyStrings.Lower(b);
        }
        var result = args.String("mode") switch
        {
            "Equal" => string.Equals(a, b, StringComparison.Ordinal),
            "Starts With" => a.StartsWith(b, StringComparison.Ordinal),
            "Ends With" => a.EndsWith(b, StringComparison.Ordinal),
            var mode => throw new InvalidOperationException($"Unknown mode '{mode}'."),
        };
        return ValueTask.FromResult(NodeOutput.From(result));
    }
}
