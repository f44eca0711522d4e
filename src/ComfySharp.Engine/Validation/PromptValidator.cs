using System.Text.Json.Nodes;
using ComfySharp.Engine.Graph;
using ComfySharp.Engine.Nodes;

namespace ComfySharp.Engine.Validation;

/// <summary>
/// ComfyUI's <c>validate_prompt</c> (protocol.md §5.3), iterative so that graphs of any depth validate
/// (ComfyUI recurses and rejects a 1,000-node chain). Coerced constants are written back into the prompt JSON,
/// as ComfyUI does, so history shows what ran.
/// </summary>
public sealed partial class PromptValidator(NodeRegistry registry)
{
    private readonly NodeRegistry _registry = registry;

    public async ValueTask<ValidatedPrompt> ValidateAsync(JsonObject prompt, IReadOnlyList<string>? partialTargets, CancellationToken ct)
    {
        // Phase A: every node has a known class; collect the outputs.
        var entries = new List<NodeEntry>(prompt.Count);
        var byId = new Dictionary<string, NodeEntry>(prompt.Count, StringComparer.Ordinal);
        HashSet<string>? targets = partialTargets is null ? null : new HashSet<string>(partialTargets, StringComparer.Ordinal);
        var outputs = new List<NodeEntry>();
        foreach (var (id, value) in prompt)
        {
            var nodeJson = value as JsonObject;
            var title = nodeJson?["_meta"] is JsonObject meta && meta["title"] is JsonValue t && t.TryGetValue<string>(out var ts) ? ts : null;
            if (nodeJson is null || !nodeJson.TryGetPropertyValue("class_type", out var classNode) || classNode is null)
            {
                return ValidatedPrompt.Fail(ValidationErrors.MissingClassType(id, title));
            }
            if (classNode is not JsonValue cv || !cv.TryGetValue<string>(out var classType) || !_registry.TryGet(classType, out var definition))
            {
                return ValidatedPrompt.Fail(ValidationErrors.UnknownClassType(id, classNode.ToJsonString().Trim('"'), title));
            }
            if (nodeJson["inputs"] is not JsonObject inputs)
            {
                inputs = [];
                nodeJson["inputs"] = inputs;
            }
            var entry = new NodeEntry(id, definition, nodeJson, inputs, title);
            entries.Add(entry);
            byId[id] = entry;
            if (definition.Schema.OutputNode && (targets is null || targets.Contains(id))) outputs.Add(entry);
        }

        if (outputs.Count == 0) return ValidatedPrompt.Fail(ValidationErrors.PromptNoOutputs());

        foreach (var output in outputs) output.IsOutput = true;
        MarkCycles(outputs, byId);

        // Phase B: validate outputs and their linked ancestors, ancestors first.
        foreach (var output in outputs)
        {
            await ValidateFromAsync(output, byId, ct).ConfigureAwait(false);
        }

        var good = new List<string>();
        var nodeErrors = new JsonObject();
        List<(NodeEntry Output, List<JsonObject> Errors)>? failed = null;
        foreach (var output in outputs)
        {
            if (output.Valid)
            {
                good.Add(output.Id);
                continue;
            }
            failed ??= [];
            failed.Add((output, output.Errors));
            AttachNodeErrors(output, byId, nodeErrors);
        }

        if (good.Count == 0)
        {
            var lines = new List<string>();
            foreach (var (_, errors) in failed!)
            {
                foreach (var e in errors) lines.Add($"{(string?)e["message"]}: {(string?)e["details"]}");
            }
            return ValidatedPrompt.Fail(ValidationErrors.PromptOutputsFailedValidation(string.Join('\n', lines)), nodeErrors);
        }

        var nodes = new List<PromptNode>(entries.Count);
        foreach (var entry in entries) nodes.Add(ToPromptNode(entry));
        return new ValidatedPrompt { IsValid = true, NodeErrors = nodeErrors, Outputs = good, Nodes = nodes };
    }

    /// <summary>Records, for every node with errors that <paramref name="output"/> depends on, that this output failed.</summary>
    private static void AttachNodeErrors(NodeEntry output, Dictionary<string, NodeEntry> byId, JsonObject nodeErrors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<NodeEntry>();
        stack.Push(output);
        seen.Add(output.Id);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (node.Errors.Count > 0)
            {
                if (nodeErrors[node.Id] is not JsonObject record)
                {
                    var errors = new JsonArray();
                    foreach (var e in node.Errors) errors.Add(e.DeepClone());
                    record = new JsonObject { ["errors"] = errors, ["dependent_outputs"] = new JsonArray(), ["class_type"] = node.Definition.ClassType };
                    nodeErrors[node.Id] = record;
                }
                ((JsonArray)record["dependent_outputs"]!).Add(output.Id);
            }
            foreach (var parent in SourcesOf(node, byId))
            {
                if (parent.Visited && seen.Add(parent.Id)) stack.Push(parent);
            }
        }
    }

    private static PromptNode ToPromptNode(NodeEntry entry)
    {
        // Every input typed and in the client's order (the schema's, as clients write them): that table is the node's.
        if (entry.Typed is { } all && all.Count == entry.Inputs.Count && InSameOrder(all, entry.Inputs))
        {
            return new PromptNode(entry.Id, entry.Definition.ClassType, all) { Title = entry.Title };
        }
        var inputs = new Dictionary<string, object?>(entry.Inputs.Count, StringComparer.Ordinal);
        foreach (var (name, value) in entry.Inputs)
        {
            inputs[name] = entry.Typed is not null && entry.Typed.TryGetValue(name, out var typed) ? typed : JsonInputs.ToClr(value);
        }
        return new PromptNode(entry.Id, entry.Definition.ClassType, inputs) { Title = entry.Title };
    }

    private static bool InSameOrder(Dictionary<string, object?> typed, JsonObject inputs)
    {
        var i = 0;
        foreach (var name in typed.Keys)
        {
            if (!string.Equals(inputs.GetAt(i++).Key, name, StringComparison.Ordinal)) return false;
        }
        return true;
    }
}
