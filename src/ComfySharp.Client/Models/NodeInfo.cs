using System.Text.Json.Nodes;
using ComfySharp.Client.Events;

namespace ComfySharp.Client;

/// <summary>Which part of a node's <c>input</c> an input belongs to.</summary>
public enum InputSection
{
    /// <summary><c>required</c>.</summary>
    Required,

    /// <summary><c>optional</c>.</summary>
    Optional,

    /// <summary><c>hidden</c> (filled by the server, e.g. <c>PROMPT</c>, <c>UNIQUE_ID</c>).</summary>
    Hidden,
}

/// <summary>One input of a node definition.</summary>
/// <param name="Name">The input name.</param>
/// <param name="Section">Required, optional or hidden.</param>
/// <param name="Type">The type name (<c>INT</c>, <c>IMAGE</c>, <c>COMBO</c> for a list of choices, …).</param>
/// <param name="Choices">For combos: the allowed values.</param>
/// <param name="Options">The options dictionary (<c>default</c>, <c>min</c>, <c>max</c>, <c>step</c>, <c>tooltip</c>, …), empty if none.</param>
public sealed record NodeInputInfo(string Name, InputSection Section, string Type, IReadOnlyList<string>? Choices, JsonObject Options)
{
    /// <summary>The <c>default</c> option, if any.</summary>
    public JsonNode? Default => Options["default"];

    /// <summary>The <c>min</c> option, if numeric.</summary>
    public double? Min => EventParser.Num(Options["min"]);

    /// <summary>The <c>max</c> option, if numeric.</summary>
    public double? Max => EventParser.Num(Options["max"]);

    /// <summary>True when the input takes a link rather than a literal (any type other than INT, FLOAT, STRING, BOOLEAN and combos).</summary>
    public bool IsLinkType => Choices is null && Type is not ("INT" or "FLOAT" or "STRING" or "BOOLEAN" or "COMBO");
}

/// <summary>One output of a node definition.</summary>
/// <param name="Index">Its slot index (what a link names).</param>
/// <param name="Type">The type name.</param>
/// <param name="Name">The output name.</param>
/// <param name="IsList">Whether it outputs a list.</param>
public sealed record NodeOutputInfo(int Index, string Type, string Name, bool IsList);

/// <summary>A node definition from <c>/object_info</c> (protocol.md §7.1).</summary>
/// <param name="Name">The class_type.</param>
/// <param name="DisplayName">The name a user interface shows.</param>
/// <param name="Category">Menu category, e.g. <c>image/batch</c>.</param>
/// <param name="Description">Description ("" if none).</param>
/// <param name="PythonModule">Where ComfyUI says it comes from.</param>
/// <param name="OutputNode">Whether it is an output node (runs by itself).</param>
/// <param name="Inputs">Inputs in <c>input_order</c> (required, optional, hidden).</param>
/// <param name="Outputs">Outputs by index.</param>
/// <param name="Raw">The raw definition.</param>
public sealed record NodeInfo(string Name, string DisplayName, string Category, string Description, string? PythonModule, bool OutputNode,
    IReadOnlyList<NodeInputInfo> Inputs, IReadOnlyList<NodeOutputInfo> Outputs, JsonObject Raw)
{
    /// <summary>The input called <paramref name="name"/>, or null.</summary>
    public NodeInputInfo? Input(string name)
    {
        foreach (var input in Inputs)
        {
            if (input.Name == name) return input;
        }
        return null;
    }

    internal static NodeInfo FromJson(string name, JsonObject o)
    {
        var inputs = new List<NodeInputInfo>();
        var declared = o["input"] as JsonObject;
        var order = o["input_order"] as JsonObject;
        foreach (var (key, section) in (ReadOnlySpan<(string, InputSection)>)[("required", InputSection.Required), ("optional", InputSection.Optional), ("hidden", InputSection.Hidden)])
        {
            if (declared?[key] is not JsonObject group) continue;
            // input_order gives the key order; fall back to the object's own order.
            var names = order?[key] is JsonArray ordered ? EventParser.Strings(ordered) : [.. group.Select(p => p.Key)];
            foreach (var inputName in names)
            {
                if (group[inputName] is { } spec) inputs.Add(ParseInput(inputName, section, spec));
            }
        }
        var outputs = new List<NodeOutputInfo>();
        var types = EventParser.Strings(o["output"]);
        var outputNames = EventParser.Strings(o["output_name"]);
        var isList = o["output_is_list"] as JsonArray;
        for (var i = 0; i < types.Count; i++)
        {
            var list = isList is not null && i < isList.Count && isList[i] is JsonValue v && v.TryGetValue<bool>(out var b) && b;
            outputs.Add(new NodeOutputInfo(i, types[i], i < outputNames.Count ? outputNames[i] : types[i], list));
        }
        return new NodeInfo(EventParser.Str(o["name"]) ?? name, EventParser.Str(o["display_name"]) ?? name, EventParser.Str(o["category"]) ?? "",
            EventParser.Str(o["description"]) ?? "", EventParser.Str(o["python_module"]),
            o["output_node"] is JsonValue on && on.TryGetValue<bool>(out var isOutput) && isOutput, inputs, outputs, o);
    }

    private static NodeInputInfo ParseInput(string name, InputSection section, JsonNode spec)
    {
        // [type, options?]; the type is a string, or (classic combos) the list of choices itself; V3 combos are "COMBO" with options.options.
        var array = spec as JsonArray;
        var head = array is { Count: > 0 } ? array[0] : spec;
        var options = array is { Count: > 1 } && array[1] is JsonObject opts ? opts : [];
        if (head is JsonArray choices) return new NodeInputInfo(name, section, "COMBO", EventParser.Strings(choices), options);
        var type = EventParser.Str(head) ?? "*";
        IReadOnlyList<string>? comboChoices = type == "COMBO" && options["options"] is JsonArray listed ? EventParser.Strings(listed) : null;
        return new NodeInputInfo(name, section, type, comboChoices, options);
    }
}
