using System.Text.Json.Nodes;
using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Core;

/// <summary>
/// Inputs declared the way ComfyUI's V3 schema (<c>comfy_api.latest.io</c>) writes them to <c>/object_info</c>: an option left
/// unset is absent (no implicit default of 0 or ""), and every STRING input carries <c>multiline</c>, true or false.
/// </summary>
internal static class V3Input
{
    public static InputSpec String(string name, bool multiline = false, string? defaultValue = null, InputSection section = InputSection.Required,
        string? tooltip = null) =>
        new(name, "STRING", section) { Default = defaultValue, Tooltip = tooltip, Extra = new JsonObject { ["multiline"] = multiline } };

    public static InputSpec Int(string name, long? defaultValue = null, decimal? min = null, decimal? max = null,
        InputSection section = InputSection.Required, string? tooltip = null, bool controlAfterGenerate = false) =>
        new(name, "INT", section)
        {
            Default = defaultValue, Min = min, Max = max, Tooltip = tooltip,
            Extra = controlAfterGenerate ? new JsonObject { ["control_after_generate"] = true } : null,
        };

    public static InputSpec Float(string name, double? defaultValue = null, decimal? min = null, decimal? max = null,
        InputSection section = InputSection.Required, string? tooltip = null) =>
        new(name, "FLOAT", section) { Default = defaultValue, Min = min, Max = max, Tooltip = tooltip };

    public static InputSpec Boolean(string name, bool? defaultValue = null, InputSection section = InputSection.Required, string? tooltip = null) =>
        new(name, "BOOLEAN", section) { Default = defaultValue, Tooltip = tooltip };

    // V3 writes a combo as ["COMBO", {"multiselect": false, "options": [...]}]; the engine writes the V1 form [[...]], which every
    // frontend reads the same way and which validation checks identically.
    public static InputSpec Combo(string name, IReadOnlyList<string> options) => Input.Combo(name, options);
}
