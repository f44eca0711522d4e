using System.Text.Json.Nodes;

namespace ComfySharp.Engine.Nodes;

/// <summary>Writes a schema as ComfyUI's <c>/object_info</c> node_info (protocol.md §7.1); never written by hand.</summary>
public static class ObjectInfo
{
    public static JsonObject All(NodeRegistry registry)
    {
        var all = new JsonObject();
        foreach (var definition in registry.All) all[definition.ClassType] = Node(definition.Schema);
        return all;
    }

    public static JsonObject Node(NodeSchema schema)
    {
        var input = new JsonObject();
        var order = new JsonObject();
        AddSection(schema, InputSection.Required, "required", input, order);
        AddSection(schema, InputSection.Optional, "optional", input, order);
        AddSection(schema, InputSection.Hidden, "hidden", input, order);

        var output = new JsonArray();
        var outputIsList = new JsonArray();
        var outputName = new JsonArray();
        var tooltips = new JsonArray();
        var anyTooltip = false;
        foreach (var o in schema.Outputs)
        {
            output.Add(o.Type);
            outputIsList.Add(o.IsList);
            outputName.Add(o.Name);
            tooltips.Add(o.Tooltip ?? "");
            anyTooltip |= o.Tooltip is not null;
        }

        var info = new JsonObject
        {
            ["input"] = input,
            ["input_order"] = order,
            ["is_input_list"] = schema.InputIsList,
            ["output"] = output,
            ["output_is_list"] = outputIsList,
            ["output_name"] = outputName,
            ["name"] = schema.Name,
            ["display_name"] = schema.DisplayName ?? schema.Name,
            ["description"] = schema.Description,
            ["python_module"] = schema.PythonModule,
            ["category"] = schema.Category,
            ["output_node"] = schema.OutputNode,
            ["has_intermediate_output"] = schema.HasIntermediateOutput,
        };
        if (anyTooltip) info["output_tooltips"] = tooltips;
        if (schema.Deprecated) info["deprecated"] = true;
        if (schema.Experimental) info["experimental"] = true;
        var aliases = new JsonArray();
        foreach (var a in schema.SearchAliases) aliases.Add(a);
        info["search_aliases"] = aliases;
        return info;
    }

    /// <summary>One input as <c>[type, {options}]</c> (or <c>[[choices…], {options}]</c> for a combo); also ComfyUI's <c>input_config</c>.</summary>
    public static JsonArray InputEntry(InputSpec input)
    {
        JsonNode type;
        if (input.Choices is { } choices)
        {
            var list = new JsonArray();
            foreach (var c in choices) list.Add(c);
            type = list;
        }
        else
        {
            type = input.Type;
        }

        var options = new JsonObject();
        if (input.Default is not null) options["default"] = input.Default.DeepClone();
        if (input.Min is { } min) options["min"] = min;
        if (input.Max is { } max) options["max"] = max;
        if (input.Step is { } step) options["step"] = step;
        if (input.Round is not null) options["round"] = input.Round.DeepClone();
        if (input.Lazy) options["lazy"] = true;
        if (input.ForceInput) options["forceInput"] = true;
        if (input.RawLink) options["rawLink"] = true;
        if (input.Tooltip is not null) options["tooltip"] = input.Tooltip;
        if (input.Extra is not null)
        {
            foreach (var (k, v) in input.Extra) options[k] = v?.DeepClone();
        }
        return options.Count == 0 ? new JsonArray(type) : new JsonArray(type, options);
    }

    private static void AddSection(NodeSchema schema, InputSection section, string key, JsonObject input, JsonObject order)
    {
        JsonObject? entries = null;
        JsonArray? names = null;
        foreach (var i in schema.Inputs)
        {
            if (i.Section != section) continue;
            entries ??= [];
            names ??= [];
            // Hidden inputs are bare type names in ComfyUI's V1 format.
            entries[i.Name] = section == InputSection.Hidden ? JsonValue.Create(i.Type) : InputEntry(i);
            names.Add(i.Name);
        }
        // ComfyUI always sends "required", even when empty; frontends read it unguarded.
        if (entries is null && section == InputSection.Required)
        {
            entries = [];
            names = [];
        }
        if (entries is null) return;
        input[key] = entries;
        order[key] = names;
    }
}
