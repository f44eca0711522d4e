using System.Text.Json.Nodes;
using ComfySharp.Engine.Nodes;

namespace ComfySharp.Engine.Validation;

/// <summary>
/// The one place that owns ComfyUI's validation error codes and texts (protocol.md §5.3):
/// every error is <c>{"type", "message", "details", "extra_info"}</c>.
/// </summary>
public static class ValidationErrors
{
    public static JsonObject Error(string type, string message, string details, JsonObject? extraInfo = null) => new()
    {
        ["type"] = type,
        ["message"] = message,
        ["details"] = details,
        ["extra_info"] = extraInfo ?? [],
    };

    public static JsonObject NoPrompt() => Error("no_prompt", "No prompt provided", "No prompt provided");

    public static JsonObject InvalidPrompt(string message, string details = "") => Error("invalid_prompt", message, details);

    public static JsonObject InvalidPromptId(string details) => Error("invalid_prompt_id", "prompt_id must be a valid UUID", details);

    public static JsonObject PromptNoOutputs() => Error("prompt_no_outputs", "Prompt has no outputs", "");

    public static JsonObject MissingClassType(string nodeId, string? title) => Error(
        "missing_node_type",
        $"Node '{title ?? "ID #" + nodeId}' has no class_type. The workflow may be corrupted or a custom node is missing.",
        $"Node ID '#{nodeId}'",
        new JsonObject { ["node_id"] = nodeId, ["class_type"] = null, ["node_title"] = title });

    public static JsonObject UnknownClassType(string nodeId, string classType, string? title) => Error(
        "missing_node_type",
        $"Node '{title ?? classType}' not found. The custom node may not be installed.",
        $"Node ID '#{nodeId}'",
        new JsonObject { ["node_id"] = nodeId, ["class_type"] = classType, ["node_title"] = title });

    public static JsonObject PromptOutputsFailedValidation(string details) =>
        Error("prompt_outputs_failed_validation", "Prompt outputs failed validation", details);

    public static JsonObject RequiredInputMissing(string input) =>
        Error("required_input_missing", "Required input is missing", input, new JsonObject { ["input_name"] = input });

    public static JsonObject BadLinkedInput(InputSpec input, JsonNode received) => Error(
        "bad_linked_input", "Bad linked input, must be a length-2 list of [node_id, slot_index]", input.Name,
        new JsonObject { ["input_name"] = input.Name, ["input_config"] = ObjectInfo.InputEntry(input), ["received_value"] = received.DeepClone() });

    public static JsonObject ReturnTypeMismatch(InputSpec input, string receivedType, JsonNode link) => Error(
        "return_type_mismatch", "Return type mismatch between linked nodes",
        $"{input.Name}, received_type({receivedType}) mismatch input_type({input.Type})",
        new JsonObject
        {
            ["input_name"] = input.Name, ["input_config"] = ObjectInfo.InputEntry(input), ["received_type"] = receivedType,
            ["linked_node"] = link.DeepClone(),
        });

    public static JsonObject InvalidInputType(InputSpec input, JsonNode? received, string exceptionMessage) => Error(
        "invalid_input_type", $"Failed to convert an input value to a {input.Type} value",
        $"{input.Name}, {PyText.Str(received)}, {exceptionMessage}",
        new JsonObject
        {
            ["input_name"] = input.Name, ["input_config"] = ObjectInfo.InputEntry(input), ["received_value"] = received?.DeepClone(),
            ["exception_message"] = exceptionMessage,
        });

    public static JsonObject ValueSmallerThanMin(InputSpec input, JsonNode value, string valueText) => Error(
        "value_smaller_than_min", $"Value {valueText} smaller than min of {PyText.Decimal(input.Min!.Value, input.Type == "FLOAT")}", input.Name,
        new JsonObject { ["input_name"] = input.Name, ["input_config"] = ObjectInfo.InputEntry(input), ["received_value"] = value.DeepClone() });

    public static JsonObject ValueBiggerThanMax(InputSpec input, JsonNode value, string valueText) => Error(
        "value_bigger_than_max", $"Value {valueText} bigger than max of {PyText.Decimal(input.Max!.Value, input.Type == "FLOAT")}", input.Name,
        new JsonObject { ["input_name"] = input.Name, ["input_config"] = ObjectInfo.InputEntry(input), ["received_value"] = value.DeepClone() });

    public static JsonObject ValueNotInList(InputSpec input, JsonNode? value)
    {
        // ComfyUI leaves out long lists (scanned model files) and then reports no input_config.
        var choices = input.Choices!;
        var longList = choices.Count > 20;
        var listInfo = longList ? $"(list of length {choices.Count})" : PyText.List(choices);
        return Error("value_not_in_list", "Value not in list", $"{input.Name}: '{PyText.Str(value)}' not in {listInfo}",
            new JsonObject
            {
                ["input_name"] = input.Name, ["input_config"] = longList ? null : ObjectInfo.InputEntry(input),
                ["received_value"] = value?.DeepClone(),
            });
    }

    public static JsonObject CustomValidationFailed(string input, string? reason) => Error(
        "custom_validation_failed", "Custom validation failed for node", reason is null ? input : $"{input} - {reason}",
        new JsonObject { ["input_name"] = input });

    public static JsonObject ExceptionDuringValidation(string details, string exceptionType, string? trace = null) => Error(
        "exception_during_validation", "Exception when validating node", details,
        new JsonObject { ["exception_type"] = exceptionType, ["traceback"] = Traceback(trace) });

    public static JsonObject ExceptionDuringInnerValidation(string input, JsonNode link, string details, string exceptionType) => Error(
        "exception_during_inner_validation", "Exception when validating inner node", details,
        new JsonObject
        {
            ["input_name"] = input, ["exception_message"] = details, ["exception_type"] = exceptionType, ["traceback"] = new JsonArray(),
            ["linked_node"] = link.DeepClone(),
        });

    public static JsonObject DependencyCycle(string nodeId, string cycleText, JsonArray cycleNodes) => Error(
        "dependency_cycle", "Dependency cycle detected", cycleText,
        new JsonObject { ["node_id"] = nodeId, ["cycle_nodes"] = cycleNodes });

    private static JsonArray Traceback(string? trace)
    {
        var list = new JsonArray();
        if (trace is null) return list;
        foreach (var line in trace.Split('\n', StringSplitOptions.RemoveEmptyEntries)) list.Add(line + "\n");
        return list;
    }
}
