using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Validation;

namespace ComfySharp.Nodes.Core.Preview;

/// <summary>ComfyUI's PreviewAny: shows any value as text (strings as they are, numbers and booleans as Python prints them, JSON for the rest).</summary>
internal sealed class PreviewAny : INode
{
    public static NodeSchema Schema { get; } = new("PreviewAny", "utils")
    {
        DisplayName = "Preview Any",
        PythonModule = "comfy_extras.nodes_preview_any",
        Inputs = [Input.Of("source", "*") with { Extra = [] }],
        OutputNode = true,
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var text = Format(args.GetValueOrDefault("source"));
        return ValueTask.FromResult(NodeOutput.WithUi(new JsonObject { ["text"] = new JsonArray(text) }));
    }

    internal static string Format(object? value) => value switch
    {
        null => "None",
        string s => s,
        bool or long or ulong or int or double or float => PyText.Str(value),
        JsonNode node => node.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }),
        IReadOnlyList<object?> list => FormatList(list),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "source exists, but could not be serialized.",
    };

    private static string FormatList(IReadOnlyList<object?> list)
    {
        var array = new JsonArray();
        foreach (var item in list)
        {
            array.Add(item switch
            {
                null => null,
                string s => JsonValue.Create(s),
                bool b => JsonValue.Create(b),
                long l => JsonValue.Create(l),
                double d => JsonValue.Create(d),
                JsonNode n => n.DeepClone(),
                _ => JsonValue.Create(Convert.ToString(item, CultureInfo.InvariantCulture)),
            });
        }
        return array.ToJsonString();
    }
}
