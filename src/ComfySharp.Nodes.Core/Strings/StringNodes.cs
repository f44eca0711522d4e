using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Core.Strings;

// ComfyUI's comfy_extras/nodes_string.py, with Python's str semantics (see PyStrings).

internal static class StringSchemas
{
    public const string Category = "utils/string";
    public const string Module = "comfy_extras.nodes_string";

    public static InputSpec Text(string name) => Input.String(name, multiline: true);
}

internal sealed class StringConcatenate : INode
{
    public static NodeSchema Schema { get; } = new("StringConcatenate", StringSchemas.Category)
    {
        DisplayName = "Concatenate",
        PythonModule = StringSchemas.Module,
        Inputs = [StringSchemas.Text("string_a"), StringSchemas.Text("string_b"), Input.String("delimiter")],
        Outputs = [Output.String()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(string.Concat(args.String("string_a"), args.String("delimiter"), args.String("string_b"))));
}

internal sealed class StringSubstring : INode
{
    public static NodeSchema Schema { get; } = new("StringSubstring", StringSchemas.Category)
    {
        DisplayName = "Substring",
        PythonModule = StringSchemas.Module,
        Inputs = [StringSchemas.Text("string"), Input.Int("start"), Input.Int("end")],
        Outputs = [Output.String()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(PyStrings.Slice(args.String("string"), args.Int("start"), args.Int("end"))));
}

internal sealed class StringLength : INode
{
    public static NodeSchema Schema { get; } = new("StringLength", StringSchemas.Category)
    {
        DisplayName = "Length",
        PythonModule = StringSchemas.Module,
        Inputs = [StringSchemas.Text("string")],
        Outputs = [Output.Int("length")],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From((long)PyStrings.Length(args.String("string"))));
}

internal sealed class CaseConverter : INode
{
    public static NodeSchema Schema { get; } = new("CaseConverter", StringSchemas.Category)
    {
        DisplayName = "Case Converter",
        PythonModule = StringSchemas.Module,
        Inputs = [StringSchemas.Text("string"), Input.Combo("mode", ["UPPERCASE", "lowercase", "Capitalize", "Title Case"])],
        Outputs = [Output.String()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var s = args.String("string");
        var result = args.String("mode") switch
        {
            "UPPERCASE" => s.ToUpperInvariant(),
            "lowercase" => s.ToLowerInvariant(),
            "Capitalize" => PyStrings.Capitalize(s),
            "Title Case" => PyStrings.Title(s),
            _ => s,
        };
        return ValueTask.FromResult(NodeOutput.From(result));
    }
}

internal sealed class StringTrim : INode
{
    public static NodeSchema Schema { get; } = new("StringTrim", StringSchemas.Category)
    {
        DisplayName = "Trim",
        PythonModule = StringSchemas.Module,
        Inputs = [StringSchemas.Text("string"), Input.Combo("mode", ["Both", "Left", "Right"])],
        Outputs = [Output.String()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var s = args.String("string");
        var result = args.String("mode") switch
        {
            "Both" => s.Trim(),
            "Left" => s.TrimStart(),
            "Right" => s.TrimEnd(),
            _ => s,
        };
        return ValueTask.FromResult(NodeOutput.From(result));
    }
}

internal sealed class StringReplace : INode
{
    public static NodeSchema Schema { get; } = new("StringReplace", StringSchemas.Category)
    {
        DisplayName = "Replace",
        PythonModule = StringSchemas.Module,
        Inputs = [StringSchemas.Text("string"), StringSchemas.Text("find"), StringSchemas.Text("replace")],
        Outputs = [Output.String()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(PyStrings.Replace(args.String("string"), args.String("find"), args.String("replace"))));
}

internal sealed class StringContains : INode
{
    public static NodeSchema Schema { get; } = new("StringContains", StringSchemas.Category)
    {
        DisplayName = "Contains",
        PythonModule = StringSchemas.Module,
        Inputs = [StringSchemas.Text("string"), StringSchemas.Text("substring"), Input.Boolean("case_sensitive", true)],
        Outputs = [Output.Boolean("contains")],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var comparison = args.Bool("case_sensitive") ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        return ValueTask.FromResult(NodeOutput.From(args.String("string").Contains(args.String("substring"), comparison)));
    }
}

internal sealed class StringCompare : INode
{
    public static NodeSchema Schema { get; } = new("StringCompare", StringSchemas.Category)
    {
        DisplayName = "Compare",
        PythonModule = StringSchemas.Module,
        Inputs =
        [
            StringSchemas.Text("string_a"), StringSchemas.Text("string_b"), Input.Combo("mode", ["Starts With", "Ends With", "Equal"]),
            Input.Boolean("case_sensitive", true),
        ],
        Outputs = [Output.Boolean()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var comparison = args.Bool("case_sensitive") ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        var a = args.String("string_a");
        var b = args.String("string_b");
        var result = args.String("mode") switch
        {
            "Equal" => string.Equals(a, b, comparison),
            "Starts With" => a.StartsWith(b, comparison),
            "Ends With" => a.EndsWith(b, comparison),
            _ => false,
        };
        return ValueTask.FromResult(NodeOutput.From(result));
    }
}
