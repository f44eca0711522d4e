using System.Text.Json.Nodes;
using ComfySharp.Engine.Graph;
using ComfySharp.Engine.Nodes;
using System.Runtime.CompilerServices;

namespace ComfySharp.Engine.Validation;

public sealed partial class PromptValidator
{
    /// <summary>
    /// Validates a <see cref="RawPrompt"/> that is valid as clients usually send it: every reached node without a custom
    /// validator, its inputs present, links to existing nodes of matching types, constants already of their declared type
    /// (so <see cref="ValidateAsync"/> would rewrite none of them) and in range, no cycle. Returns <c>null</c> for any other
    /// prompt: <see cref="ValidateAsync"/> on <see cref="RawPrompt.ToJson"/> then decides and reports the errors. On the
    /// prompts accepted here both give the same outputs and nodes; each node's inputs are their values as
    /// <see cref="JsonInputs.ToClr"/> reads them, which is what the typed values of such constants are.
    /// </summary>
    // Once per prompt over every node: compiled optimized at once (see RawPrompt.TryRead).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ValidatedPrompt? TryValidate(RawPrompt prompt, IReadOnlyList<string>? partialTargets)
    {
        var raw = prompt.Nodes;
        var definitions = new NodeDefinition[raw.Count];
        var byId = prompt.IndexById;
        var outputs = new List<int>();
        for (var i = 0; i < raw.Count; i++)
        {
            if (!_registry.TryGet(raw[i].ClassType, out var definition)) return null;
            definitions[i] = definition;
            if (definition.Schema.OutputNode && (partialTargets is null || Contains(partialTargets, raw[i].Id))) outputs.Add(i);
        }
        if (outputs.Count == 0) return null;

        // Depth-first from the outputs; a link back to a node still on the stack is a cycle, which the full way reports.
        var state = new byte[raw.Count]; // 0 = not reached, 1 = on the stack, 2 = checked
        var stack = new Stack<(int Node, int NextInput)>();
        foreach (var output in outputs)
        {
            if (state[output] != 0) continue;
            state[output] = 1;
            stack.Push((output, 0));
            while (stack.Count > 0)
            {
                var (index, next) = stack.Pop();
                var schema = definitions[index].Schema;
                var descended = false;
                for (; next < schema.Inputs.Count; next++)
                {
                    var spec = schema.Inputs[next];
                    if (spec.Section == InputSection.Hidden) continue;
                    var input = Find(raw[index].Inputs, spec.Name);
                    if (input is not { Kind: RawKind.Link } link) continue;
                    if (!byId.TryGetValue(link.Text!, out var source)) return null;
                    if (state[source] == 1) return null;
                    if (state[source] == 2) continue;
                    stack.Push((index, next + 1));
                    state[source] = 1;
                    stack.Push((source, 0));
                    descended = true;
                    break;
                }
                if (descended) continue;
                if (!IsPlainlyValid(raw[index], definitions[index], byId, definitions)) return null;
                state[index] = 2;
            }
        }

        var good = new List<string>(outputs.Count);
        foreach (var output in outputs) good.Add(raw[output].Id);
        var nodes = new List<PromptNode>(raw.Count);
        for (var i = 0; i < raw.Count; i++)
        {
            var inputs = raw[i].Inputs;
            var values = new Dictionary<string, object?>(inputs.Length, StringComparer.Ordinal);
            foreach (var input in inputs) values[input.Name] = ToClr(input);
            nodes.Add(new PromptNode(raw[i].Id, definitions[i].ClassType, values) { Title = raw[i].Title });
        }
        return new ValidatedPrompt { IsValid = true, NodeErrors = [], Outputs = good, Nodes = nodes };
    }

    /// <summary>The checks of <see cref="ValidateNodeAsync"/> for a node that passes them all without a rewrite.</summary>
    private static bool IsPlainlyValid(RawNode node, NodeDefinition definition, Dictionary<string, int> byId, NodeDefinition[] definitions)
    {
        if (definition.Validate is not null) return false;
        var schema = definition.Schema;
        foreach (var spec in schema.Inputs)
        {
            if (spec.Section == InputSection.Hidden) continue;
            if (Find(node.Inputs, spec.Name) is not { } input)
            {
                if (spec.Section == InputSection.Required) return false;
                continue;
            }
            if (input.Kind == RawKind.Link)
            {
                var outputs = definitions[byId[input.Text!]].Schema.Outputs;
                if (input.Number >= outputs.Count) return false;
                if (!schema.ValidatesInputTypes && !TypesMatch(outputs[(int)input.Number].Type, spec.Type)) return false;
                continue;
            }
            if (!TryTypedAsIs(spec.Type, input, out var typed)) return false;
            if (RangeViolation(spec, typed) != 0) return false;
            if (spec.Choices is { } choices && (typed is not string s || !Contains(choices, s))) return false;
        }
        return true;
    }

    /// <summary>The constant's typed value when <see cref="JsonInputs.TryCoerce"/> accepts it and gives back the same JSON.</summary>
    private static bool TryTypedAsIs(string type, RawInput input, out object? typed)
    {
        typed = null;
        // Arrays on declared inputs are links (and this one is not well formed); {"__value__": …} is unwrapped in place.
        if (input.Json is JsonArray || input.Json is JsonObject o && o.ContainsKey("__value__")) return false;
        switch (type)
        {
            case "INT":
                if (input.Kind != RawKind.Long) return false;
                typed = input.Number;
                return true;
            case "FLOAT":
                // Integral floats are written with ".0" (JsonInputs.FloatJson): as-is only when the client wrote them so.
                if (input.Json is not JsonValue v || v.GetValueKind() != System.Text.Json.JsonValueKind.Number ||
                    !v.TryGetValue<double>(out var d) || JsonInputs.FloatJson(d).ToJsonString() != v.ToJsonString())
                {
                    return false;
                }
                typed = ToClr(input);
                return typed is double;
            case "STRING":
                typed = input.Text;
                return input.Kind == RawKind.String;
            case "BOOLEAN":
                typed = input.Number != 0;
                return input.Kind == RawKind.Bool;
            default:
                typed = ToClr(input);
                return true;
        }
    }

    private static object? ToClr(RawInput input) => input.Kind switch
    {
        RawKind.String => input.Text,
        RawKind.Bool => input.Number != 0,
        RawKind.Long => input.Number,
        RawKind.Link => new NodeLink(input.Text!, (int)input.Number),
        RawKind.Json => JsonInputs.ToClr(input.Json),
        _ => null,
    };

    private static RawInput? Find(RawInput[] inputs, string name)
    {
        foreach (var input in inputs)
        {
            if (input.Name == name) return input;
        }
        return null;
    }
}
