using System.Text.Json.Nodes;
using ComfySharp.Engine.Nodes;

namespace ComfySharp.Engine.Validation;

public sealed partial class PromptValidator
{
    /// <summary>
    /// The entries <paramref name="node"/> links to, computed on first use and kept: the cycle search and the walk
    /// both need them, and reading links out of the JSON inputs costs more than the rest of either walk.
    /// </summary>
    private static List<NodeEntry> SourcesOf(NodeEntry node, Dictionary<string, NodeEntry> byId)
    {
        if (node.Sources is { } known) return known;
        var sources = new List<NodeEntry>();
        foreach (var input in node.Definition.Schema.Inputs)
        {
            if (input.Section == InputSection.Hidden) continue;
            if (!node.Inputs.TryGetPropertyValue(input.Name, out var value) || value is not JsonArray { Count: 2 } raw) continue;
            if (raw[0] is JsonValue sv && sv.TryGetValue<string>(out var source) && byId.TryGetValue(source, out var parent)) sources.Add(parent);
        }
        node.Sources = sources;
        return sources;
    }

    /// <summary>Post-order walk from one output: every ancestor is validated before the nodes that consume it.</summary>
    private async ValueTask ValidateFromAsync(NodeEntry output, Dictionary<string, NodeEntry> byId, CancellationToken ct)
    {
        if (output.State != 0) return;
        var stack = new Stack<(NodeEntry Node, List<NodeEntry> Sources, int Next)>();
        output.State = 1;
        stack.Push((output, SourcesOf(output, byId), 0));
        while (stack.Count > 0)
        {
            var (node, sources, next) = stack.Pop();
            var descended = false;
            while (next < sources.Count)
            {
                var source = sources[next++];
                if (source.State != 0) continue; // done, or on the stack (a cycle, already reported)
                stack.Push((node, sources, next));
                source.State = 1;
                stack.Push((source, SourcesOf(source, byId), 0));
                descended = true;
                break;
            }
            if (descended) continue;
            await ValidateNodeAsync(node, byId, ct).ConfigureAwait(false);
            node.State = 2;
        }
    }

    private async ValueTask ValidateNodeAsync(NodeEntry node, Dictionary<string, NodeEntry> byId, CancellationToken ct)
    {
        var errors = node.Errors;
        var valid = !node.InCycle;
        var definition = node.Definition;
        var schema = definition.Schema;
        var hasValidator = definition.Validate is not null;
        // Only a validator that asks for input_types reads the received types; nobody else pays for the table.
        var wantsTypes = hasValidator && schema.ValidatesInputTypes;
        Dictionary<string, string>? receivedTypes = null;
        foreach (var input in schema.Inputs)
        {
            if (input.Section == InputSection.Hidden) continue;
            if (!node.Inputs.TryGetPropertyValue(input.Name, out var value))
            {
                if (input.Section == InputSection.Required) errors.Add(ValidationErrors.RequiredInputMissing(input.Name));
                continue;
            }

            if (value is JsonArray raw)
            {
                if (raw.Count != 2)
                {
                    errors.Add(ValidationErrors.BadLinkedInput(input, raw));
                    continue;
                }
                var problem = CheckLink(raw, byId, out var source, out var index);
                if (problem is not null)
                {
                    // ComfyUI raises here; the error lands on this node, typed by whether it is the output being validated.
                    errors.Add(node.IsOutput
                        ? ValidationErrors.ExceptionDuringValidation(problem, "KeyError")
                        : ValidationErrors.ExceptionDuringInnerValidation(input.Name, raw, problem, "KeyError"));
                    continue;
                }
                // Kept for the engine's node: the link is read out of the JSON once.
                (node.Typed ??= new(node.Inputs.Count, StringComparer.Ordinal))[input.Name] = new NodeLink(source!.Id, index);
                var receivedType = source.Definition.Schema.Outputs[index].Type;
                if (wantsTypes) (receivedTypes ??= new(StringComparer.Ordinal))[input.Name] = receivedType;
                if (!schema.ValidatesInputTypes && !TypesMatch(receivedType, input.Type))
                {
                    errors.Add(ValidationErrors.ReturnTypeMismatch(input, receivedType, raw));
                    continue;
                }
                if (!source.Valid) valid = false;
                continue;
            }

            if (value is JsonObject wrapped && wrapped.TryGetPropertyValue("__value__", out var inner))
            {
                // A list constant travels as {"__value__": [...]} because a bare list means a link.
                value = inner?.DeepClone();
                node.Inputs[input.Name] = value;
            }

            if (!JsonInputs.TryCoerce(input.Type, value, out var typed, out var coercedJson, out var coerceError))
            {
                errors.Add(ValidationErrors.InvalidInputType(input, value, coerceError!));
                continue;
            }
            if (!ReferenceEquals(coercedJson, value)) node.Inputs[input.Name] = coercedJson;
            (node.Typed ??= new(node.Inputs.Count, StringComparer.Ordinal))[input.Name] = typed;

            var skipChecks = hasValidator && (schema.ValidatedInputs is null || Contains(schema.ValidatedInputs, input.Name));
            if (skipChecks) continue;
            var rangeError = CheckRange(input, typed, coercedJson);
            if (rangeError is not null)
            {
                errors.Add(rangeError);
                continue;
            }
            if (input.Choices is { } choices && (typed is not string s || !Contains(choices, s)))
            {
                errors.Add(ValidationErrors.ValueNotInList(input, coercedJson));
            }
        }

        if (hasValidator) await RunCustomValidationAsync(node, receivedTypes, ct).ConfigureAwait(false);
        node.Valid = valid && errors.Count == 0;
    }

    private static async ValueTask RunCustomValidationAsync(NodeEntry node, Dictionary<string, string>? receivedTypes, CancellationToken ct)
    {
        var schema = node.Definition.Schema;
        var args = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, value) in node.Inputs)
        {
            if (schema.ValidatedInputs is { } wanted && !Contains(wanted, name)) continue;
            var declared = schema.FindInput(name);
            if (value is JsonArray)
            {
                args[name] = null; // linked inputs are not known at validation time
            }
            else if (declared is not null && declared.Section != InputSection.Hidden)
            {
                args[name] = node.Typed is not null && node.Typed.TryGetValue(name, out var t) ? t : JsonInputs.ToClr(value);
            }
        }

        ValidationResult result;
        try
        {
            result = await node.Definition.Validate!(new NodeArgs(args),
                schema.ValidatesInputTypes ? receivedTypes ?? new Dictionary<string, string>() : null, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            node.Errors.Add(ValidationErrors.ExceptionDuringValidation(ex.Message, ex.GetType().Name, ex.StackTrace));
            return;
        }
        if (result.IsValid) return;
        foreach (var name in args.Keys) node.Errors.Add(ValidationErrors.CustomValidationFailed(name, result.Reason));
        // A validator that takes only input_types still fails the node, named as ComfyUI names that argument.
        if (args.Count == 0) node.Errors.Add(ValidationErrors.CustomValidationFailed("input_types", result.Reason));
    }

    private static string? CheckLink(JsonArray raw, Dictionary<string, NodeEntry> byId, out NodeEntry? source, out int index)
    {
        source = null;
        index = 0;
        if (raw[0] is not JsonValue idValue || !idValue.TryGetValue<string>(out var id))
        {
            return $"Linked node id {PyText.Repr(raw[0])} must be a string node id";
        }
        if (!byId.TryGetValue(id, out source)) return $"Linked node '{id}' does not exist in the prompt";
        if (raw[1] is not JsonValue iv || !JsonInputs.TryGetIndex(iv, out index))
        {
            return $"Output index {PyText.Repr(raw[1])} of node '{id}' is not an integer";
        }
        if (index < 0 || index >= source.Definition.Schema.Outputs.Count)
        {
            return $"Output index {index} of node '{id}' ({source.Definition.ClassType}) is out of range: it has {source.Definition.Schema.Outputs.Count} outputs";
        }
        return null;
    }

    private static JsonObject? CheckRange(InputSpec input, object? typed, JsonNode? json) => RangeViolation(input, typed) switch
    {
        < 0 => ValidationErrors.ValueSmallerThanMin(input, json!, typed is double d ? PyText.Float(d) : PyText.Str(typed)),
        > 0 => ValidationErrors.ValueBiggerThanMax(input, json!, typed is double d ? PyText.Float(d) : PyText.Str(typed)),
        _ => null,
    };

    /// <summary>-1 below the input's min, 1 above its max, 0 in range (or not a number).</summary>
    private static int RangeViolation(InputSpec input, object? typed)
    {
        if (input.Min is null && input.Max is null) return 0;
        switch (typed)
        {
            case long or ulong:
                var dv = typed is long l ? l : (decimal)(ulong)typed;
                if (input.Min is { } min && dv < min) return -1;
                if (input.Max is { } max && dv > max) return 1;
                return 0;
            case double d:
                if (input.Min is { } fmin && d < (double)fmin) return -1;
                if (input.Max is { } fmax && d > (double)fmax) return 1;
                return 0;
            default:
                return 0;
        }
    }

    /// <summary>ComfyUI's <c>validate_node_input</c>: equal, a wildcard, or comma unions that share a type.</summary>
    public static bool TypesMatch(string received, string declared)
    {
        if (received == declared) return true;
        if (received == "*" || declared == "*") return true;
        if (received == "COMFY_MATCHTYPE_V3" || declared == "COMFY_MATCHTYPE_V3") return true;
        if (!received.Contains(',', StringComparison.Ordinal) && !declared.Contains(',', StringComparison.Ordinal)) return false;
        foreach (var r in received.Split(',', StringSplitOptions.TrimEntries))
        {
            foreach (var d in declared.Split(',', StringSplitOptions.TrimEntries))
            {
                if (r == d) return true;
            }
        }
        return false;
    }

    private static bool Contains(IReadOnlyList<string> list, string value)
    {
        foreach (var item in list)
        {
            if (item == value) return true;
        }
        return false;
    }
}
