using System.Text.Json.Nodes;
using ComfySharp.Client.Events;

namespace ComfySharp.Client.Workflows;

/// <summary>
/// One node of a <see cref="Workflow"/>: <c>{"class_type", "inputs", "_meta": {"title"}}</c>. Created with a <see cref="NodeInfo"/>
/// it knows its inputs and outputs, and links and literals are checked against them.
/// </summary>
public sealed class WorkflowNode
{
    private readonly JsonObject _json;

    internal WorkflowNode(string id, JsonObject json, NodeInfo? schema)
    {
        Id = id;
        _json = json;
        Schema = schema;
    }

    /// <summary>The node id (the key in the API-format object).</summary>
    public string Id { get; }

    /// <summary>The node's class_type.</summary>
    public string ClassType => EventParser.Str(_json["class_type"]) ?? "";

    /// <summary>The node's definition, when it was created from one.</summary>
    public NodeInfo? Schema { get; }

    /// <summary>The title (<c>_meta.title</c>), or null.</summary>
    public string? Title
    {
        get => EventParser.Str(_json["_meta"]?["title"]);
        set
        {
            if (value is null)
            {
                (_json["_meta"] as JsonObject)?.Remove("title");
                return;
            }
            if (_json["_meta"] is not JsonObject meta) _json["_meta"] = meta = [];
            meta["title"] = value;
        }
    }

    /// <summary>The inputs object (literals and <c>[node, index]</c> links).</summary>
    public JsonObject Inputs => _json["inputs"] as JsonObject ?? (JsonObject)(_json["inputs"] = new JsonObject());

    /// <summary>Sets a literal input; checked against the schema's type, choices and range when there is one.</summary>
    public WorkflowNode Set(string input, JsonNode? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(input);
        if (Schema?.Input(input) is { } spec) CheckLiteral(spec, value);
        Inputs[input] = value?.DeepClone();
        return this;
    }

    /// <summary>Links <paramref name="input"/> to <paramref name="output"/>; with both types known they must match.</summary>
    public WorkflowNode Link(string input, OutputRef output)
    {
        ArgumentException.ThrowIfNullOrEmpty(input);
        if (Schema is not null)
        {
            var spec = Schema.Input(input) ?? throw new ArgumentException($"{ClassType} has no input '{input}'.", nameof(input));
            if (output.Type is { } type && !OutputRef.TypesMatch(type, spec.Type))
            {
                throw new ArgumentException($"{ClassType}.{input} takes {spec.Type}, but node {output.NodeId} output {output.Index} is {type}.", nameof(output));
            }
        }
        Inputs[input] = output.ToJson();
        return this;
    }

    /// <summary>Output <paramref name="index"/>, typed when the schema is known.</summary>
    public OutputRef Output(int index = 0)
    {
        if (Schema is null) return new OutputRef(Id, index);
        if (index < 0 || index >= Schema.Outputs.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"{ClassType} has {Schema.Outputs.Count} output(s).");
        }
        return new OutputRef(Id, index, Schema.Outputs[index].Type);
    }

    /// <summary>The output named <paramref name="name"/> (or, failing that, the only output of that type); needs the schema.</summary>
    public OutputRef Output(string name)
    {
        if (Schema is null) throw new InvalidOperationException($"Node {Id} was created without its NodeInfo; use Output(index).");
        foreach (var o in Schema.Outputs)
        {
            if (o.Name == name) return new OutputRef(Id, o.Index, o.Type);
        }
        NodeOutputInfo? byType = null;
        foreach (var o in Schema.Outputs)
        {
            if (o.Type != name) continue;
            if (byType is not null) throw new ArgumentException($"{ClassType} has several {name} outputs; name one.", nameof(name));
            byType = o;
        }
        return byType is { } t ? new OutputRef(Id, t.Index, t.Type) : throw new ArgumentException($"{ClassType} has no output '{name}'.", nameof(name));
    }

    internal JsonObject Json => _json;

    private void CheckLiteral(NodeInputInfo spec, JsonNode? value)
    {
        if (value is JsonArray) return; // a raw link written by hand
        var where = $"{ClassType}.{spec.Name}";
        if (spec.Choices is { } choices)
        {
            var text = EventParser.Str(value);
            if (text is null || !choices.Contains(text)) throw new ArgumentException($"{where} must be one of: {string.Join(", ", choices)}.", nameof(value));
            return;
        }
        switch (spec.Type)
        {
            case "INT" or "FLOAT":
                if (EventParser.Num(value) is not { } n) throw new ArgumentException($"{where} takes a number.", nameof(value));
                if (spec.Min is { } min && n < min) throw new ArgumentOutOfRangeException(nameof(value), $"{where} must be at least {min}.");
                if (spec.Max is { } max && n > max) throw new ArgumentOutOfRangeException(nameof(value), $"{where} must be at most {max}.");
                break;
            case "BOOLEAN":
                if (value is not JsonValue b || !b.TryGetValue<bool>(out _)) throw new ArgumentException($"{where} takes true or false.", nameof(value));
                break;
            case "STRING":
                if (value is not JsonValue s || !s.TryGetValue<string>(out _)) throw new ArgumentException($"{where} takes a string.", nameof(value));
                break;
            default:
                if (spec.IsLinkType) throw new ArgumentException($"{where} takes a {spec.Type} link; use Link().", nameof(value));
                break;
        }
    }
}
