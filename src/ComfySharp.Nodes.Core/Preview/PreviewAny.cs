using System.Text;
using System.Text.Json.Nodes;
using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Validation;

namespace ComfySharp.Nodes.Core.Preview;

/// <summary>
/// ComfyUI's PreviewAny (<c>comfy_extras/nodes_preview_any.py</c>): shows any value as text in the <c>executed</c> UI.
/// A string as it is, a number or boolean as Python's <c>str()</c>, anything else as <c>json.dumps</c>, and what JSON cannot hold
/// (a tensor, a model) as <c>str()</c>: a tensor shows its shape.
/// </summary>
internal sealed class PreviewAny : INode
{
    public static NodeSchema Schema { get; } = new("PreviewAny", "utils")
    {
        DisplayName = "Preview Any",
        PythonModule = "comfy_extras.nodes_preview_any",
        // ComfyUI declares (IO.ANY, {}); the engine writes an empty option object as ["*"], which frontends read alike.
        Inputs = [Input.Of("source", "*")],
        OutputNode = true,
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.WithUi(new JsonObject { ["text"] = new JsonArray(Format(args.GetValueOrDefault("source"))) }));

    internal static string Format(object? value) => value switch
    {
        null => "None",
        string s => s,
        bool or long or ulong or int or double or float => PyText.Str(value),
        _ => PyJson.TryDumps(value, out var json) ? json : Str(value),
    };

    /// <summary>Python's <c>str()</c> of a value JSON could not hold: containers show their items' <c>repr()</c>.</summary>
    private static string Str(object? value)
    {
        switch (value)
        {
            case IReadOnlyDictionary<string, object?> dict:
            {
                var sb = new StringBuilder("{");
                var first = true;
                foreach (var (k, v) in dict)
                {
                    if (!first) sb.Append(", ");
                    first = false;
                    sb.Append(PyText.Quote(k)).Append(": ").Append(Repr(v));
                }
                return sb.Append('}').ToString();
            }
            case IReadOnlyList<object?> list:
            {
                var sb = new StringBuilder("[");
                for (var i = 0; i < list.Count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    sb.Append(Repr(list[i]));
                }
                return sb.Append(']').ToString();
            }
            case JsonNode node:
                return PyText.Str(node);
            default:
                return value?.ToString() ?? "None";
        }
    }

    private static string Repr(object? value) => value switch
    {
        string s => PyText.Quote(s),
        JsonNode node => PyText.Repr(node),
        IReadOnlyDictionary<string, object?> or IReadOnlyList<object?> => Str(value),
        _ => value is null or bool or long or ulong or int or double or float ? PyText.Str(value) : value.ToString() ?? "",
    };
}
