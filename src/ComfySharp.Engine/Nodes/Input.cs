using System.Text.Json.Nodes;

namespace ComfySharp.Engine.Nodes;

/// <summary>Factories for the input kinds ComfyUI nodes declare, with ComfyUI's option names.</summary>
public static class Input
{
    /// <summary>ComfyUI's <c>MAX_RESOLUTION</c>.</summary>
    public const int MaxResolution = 16384;

    public static InputSpec Int(string name, long defaultValue = 0, decimal? min = null, decimal? max = null, decimal? step = null,
        InputSection section = InputSection.Required, string? tooltip = null, bool controlAfterGenerate = false) =>
        new(name, "INT", section)
        {
            Default = defaultValue, Min = min, Max = max, Step = step, Tooltip = tooltip,
            Extra = controlAfterGenerate ? new JsonObject { ["control_after_generate"] = true } : null,
        };

    public static InputSpec Float(string name, double defaultValue = 0, decimal? min = null, decimal? max = null, decimal? step = null,
        InputSection section = InputSection.Required, string? tooltip = null, JsonNode? round = null) =>
        new(name, "FLOAT", section) { Default = defaultValue, Min = min, Max = max, Step = step, Round = round, Tooltip = tooltip };

    public static InputSpec String(string name, string defaultValue = "", bool multiline = false, InputSection section = InputSection.Required,
        string? tooltip = null, bool dynamicPrompts = false) =>
        new(name, "STRING", section)
        {
            Default = defaultValue, Tooltip = tooltip,
            Extra = multiline || dynamicPrompts ? Options(multiline, dynamicPrompts) : null,
        };

    public static InputSpec Boolean(string name, bool defaultValue = false, InputSection section = InputSection.Required, string? tooltip = null) =>
        new(name, "BOOLEAN", section) { Default = defaultValue, Tooltip = tooltip };

    public static InputSpec Combo(string name, IReadOnlyList<string> choices, string? defaultValue = null,
        InputSection section = InputSection.Required, string? tooltip = null) =>
        new(name, "COMBO", section) { Choices = choices, Default = defaultValue, Tooltip = tooltip };

    /// <summary>A socket-only input of any type name (<c>IMAGE</c>, <c>MASK</c>, <c>*</c>, <c>INT,FLOAT</c> …).</summary>
    public static InputSpec Of(string name, string type, InputSection section = InputSection.Required, bool lazy = false,
        string? tooltip = null) =>
        new(name, type, section) { Lazy = lazy, Tooltip = tooltip };

    public static InputSpec Optional(this InputSpec spec) => spec with { Section = InputSection.Optional };

    public static InputSpec AsLazy(this InputSpec spec) => spec with { Lazy = true };

    public static InputSpec WithForceInput(this InputSpec spec) => spec with { ForceInput = true };

    public static InputSpec WithRawLink(this InputSpec spec) => spec with { RawLink = true };

    private static JsonObject Options(bool multiline, bool dynamicPrompts)
    {
        var o = new JsonObject();
        if (multiline) o["multiline"] = true;
        if (dynamicPrompts) o["dynamicPrompts"] = true;
        return o;
    }
}

/// <summary>Hidden inputs the executor fills in, named as ComfyUI names them.</summary>
public static class Hidden
{
    public static InputSpec Prompt(string name = "prompt") => new(name, HiddenKind.Prompt, InputSection.Hidden);
    public static InputSpec ExtraPngInfo(string name = "extra_pnginfo") => new(name, HiddenKind.ExtraPngInfo, InputSection.Hidden);
    public static InputSpec UniqueId(string name = "unique_id") => new(name, HiddenKind.UniqueId, InputSection.Hidden);
    public static InputSpec DynPrompt(string name = "dynprompt") => new(name, HiddenKind.DynPrompt, InputSection.Hidden);
}

/// <summary>ComfyUI's hidden input type names.</summary>
public static class HiddenKind
{
    public const string Prompt = "PROMPT";
    public const string ExtraPngInfo = "EXTRA_PNGINFO";
    public const string UniqueId = "UNIQUE_ID";
    public const string DynPrompt = "DYNPROMPT";
}
