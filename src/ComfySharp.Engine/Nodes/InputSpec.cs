using System.Text.Json.Nodes;

namespace ComfySharp.Engine.Nodes;

/// <summary>
/// One declared input of a node: its ComfyUI type name (<c>INT</c>, <c>IMAGE</c>, <c>COMBO</c>, a comma union, <c>*</c>)
/// and the options ComfyUI puts in <c>/object_info</c> and checks during validation.
/// </summary>
public sealed record InputSpec(string Name, string Type, InputSection Section = InputSection.Required)
{
    public JsonNode? Default { get; init; }
    public decimal? Min { get; init; }
    public decimal? Max { get; init; }
    public decimal? Step { get; init; }
    /// <summary>ComfyUI's FLOAT <c>round</c> option; <c>false</c> in JSON when explicitly disabled.</summary>
    public JsonNode? Round { get; init; }
    /// <summary>Choices of a combo input; <c>null</c> for every other type.</summary>
    public IReadOnlyList<string>? Choices { get; init; }
    public bool Lazy { get; init; }
    public bool ForceInput { get; init; }
    public bool RawLink { get; init; }
    public string? Tooltip { get; init; }
    /// <summary>Further options written verbatim to <c>/object_info</c> (multiline, placeholder, image_upload …).</summary>
    public JsonObject? Extra { get; init; }

    public bool IsCombo => Choices is not null;
}
