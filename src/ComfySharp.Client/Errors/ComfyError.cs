using System.Text.Json.Nodes;
using ComfySharp.Client.Events;

namespace ComfySharp.Client;

/// <summary>ComfyUI's error object: <c>{type, message, details, extra_info}</c> (protocol.md §5.3).</summary>
/// <param name="Type">Machine-readable kind, e.g. <c>prompt_outputs_failed_validation</c> or <c>value_not_in_list</c>.</param>
/// <param name="Message">Short human text.</param>
/// <param name="Details">Longer text.</param>
/// <param name="ExtraInfo">Additional fields (for input errors: <c>input_name</c>, <c>input_config</c>, <c>received_value</c>).</param>
public sealed record ComfyError(string Type, string Message, string Details, JsonObject ExtraInfo)
{
    /// <summary>Reads an error object; a plain string (which older servers and the frontend tolerate) becomes its message.</summary>
    public static ComfyError FromJson(JsonNode? node) => node switch
    {
        JsonObject o => new ComfyError(EventParser.Str(o["type"]) ?? "", EventParser.Str(o["message"]) ?? "", EventParser.Str(o["details"]) ?? "",
            o["extra_info"] as JsonObject is { } extra ? (JsonObject)extra.DeepClone() : []),
        JsonValue v => new ComfyError("", EventParser.Str(v) ?? "", "", []),
        _ => new ComfyError("", "", "", []),
    };

    /// <summary>The input the error is about (<c>extra_info.input_name</c>), if any.</summary>
    public string? InputName => EventParser.Str(ExtraInfo["input_name"]);
}
