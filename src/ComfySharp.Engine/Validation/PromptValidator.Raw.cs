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
        var nodes = prompt.Nodes;
        var definitions = new NodeDefinition[nodes.Count];
        var byId = prompt.IndexById;
        var outputs = new List<int>();
        for (var i = 0; i < nodes.Count; i++)
        {
            if (!_registry.TryGet(nodes[i].ClassType, out var definition)) return null;
            definitions[i] = definition;
            if (definition.Schema.OutputNode && (partialTargets is null || Contains(partialTargets, nodes[i].Id))) outputs.Add(i);
        }
        if (outputs.Count == 0) return null;

        // Depth-first from the outputs; a link back to a node still on the stack is a cycle, which the full way reports.
        var state = new byte[nodes.Count]; // 0 = not reached, 1 = on the stack, 2 = checked
        var stack = new Stack<(int Node, int NextInput)>();
        foreach (var output in outputs)
        {
            if (state[output] != 0) continue;
            state[output] = 1;
            stack.Push((output, 0));
            while (stack.Count > 0)
            {
                var (index, next) = stack.Pop();
                var specs = definitions[index].Schema.Inputs;
                var descended = false;
                for (; next < specs.Count; next++)
                {
                    var spec = specs[next];
                    if (spec.Section == InputSection.Hidden) continue;
                    var inputs = nodes[index].Inputs;
                    var at = inputs.IndexOf(spec.Name);
                    if (at < 0 || !inputs.TryGetLinkAt(at, out var link)) continue;
                    if (!byId.TryGetValue(link.NodeId, out var source)) return null;
                    if (state[source] == 1) return null;
                    if (state[source] == 2) continue;
                    stack.Push((index, next + 1));
                    state[source] = 1;
                    stack.Push((source, 0));
                    descended = true;
                    break;
                }
                if (descended) continue;
                if (!IsPlainlyValid(nodes[index], definitions[index], byId, definitions)) return null;
                state[index] = 2;
            }
        }

        var good = new List<string>(outputs.Count);
        foreach (var output in outputs) good.Add(nodes[output].Id);
        // Values the reader kept as JSON become what the full way types them to (JsonInputs.ToClr), in every node.
        foreach (var node in nodes)
        {
            var inputs = node.Inputs;
            for (var i = 0; i < inputs.Count; i++)
            {
                if (!inputs.TryGetLinkAt(i, out _) && inputs.ConstantAt(i) is JsonNode json) inputs.SetConstant(i, JsonInputs.ToClr(json));
            }
        }
        return new ValidatedPrompt { IsValid = true, NodeErrors = [], Outputs = good, Nodes = nodes };
    }

    /// <summary>The checks of <see cref="ValidateNodeAsync"/> for a node that passes them all without a rewrite.</summary>
    private static bool IsPlainlyValid(PromptNode node, NodeDefinition definition, Dictionary<string, int> byId, NodeDefinition[] definitions)
    {
        if (definition.Validate is not null) return false;
        var schema = definition.Schema;
        var specs = schema.Inputs;
        for (var s = 0; s < specs.Count; s++)
        {
            var spec = specs[s];
            if (spec.Section == InputSection.Hidden) continue;
            var at = node.Inputs.IndexOf(spec.Name);
            if (at < 0)
            {
                if (spec.Section == InputSection.Required) return false;
                continue;
            }
            if (node.Inputs.TryGetLinkAt(at, out var link))
            {
                var outputs = definitions[byId[link.NodeId]].Schema.Outputs;
                if (link.OutputIndex >= outputs.Count) return false;
                if (!schema.ValidatesInputTypes && !TypesMatch(outputs[link.OutputIndex].Type, spec.Type)) return false;
                continue;
            }
            if (!TryTypedAsIs(spec.Type, node.Inputs.ConstantAt(at), out var typed)) return false;
            if (RangeViolation(spec, typed) != 0) return false;
            if (spec.Choices is { } choices && (typed is not string s2 || !Contains(choices, s2))) return false;
        }
        return true;
    }

    /// <summary>
    /// The constant's typed value when <see cref="JsonInputs.TryCoerce"/> accepts it and gives back the same JSON. Values are
    /// as <see cref="RawPrompt"/> read them: string, bool, long, null, or JSON for anything else.
    /// </summary>
    private static bool TryTypedAsIs(string type, object? value, out object? typed)
    {
        typed = null;
        // Arrays on declared inputs are links (and this one is not well formed); {"__value__": …} is unwrapped in place.
        if (value is JsonArray || value is JsonObject o && o.ContainsKey("__value__")) return false;
        switch (type)
        {
            case "INT":
                typed = value;
                return value is long;
            case "FLOAT":
                // Integral floats are written with ".0" (JsonInputs.FloatJson): as-is only when the client wrote them so.
                // Not finite (1e400): the tree's way refuses it.
                if (value is not JsonValue v || v.GetValueKind() != System.Text.Json.JsonValueKind.Number ||
                    !v.TryGetValue<double>(out var d) || !double.IsFinite(d) || JsonInputs.FloatJson(d).ToJsonString() != v.ToJsonString())
                {
                    return false;
                }
                typed = JsonInputs.ToClr(v);
                return typed is double;
            case "STRING":
                typed = value;
                return value is string;
            case "BOOLEAN":
                typed = value;
                return value is bool;
            default:
                typed = value is JsonNode json ? JsonInputs.ToClr(json) : value;
                return true;
        }
    }
}
