using ComfySharp.Protocol.Frames;

namespace ComfySharp.Client.Events;

/// <summary>
/// A preview image: binary frame type 1 (legacy: no metadata; the SDK attributes it to the prompt running for this client)
/// or type 4 (with <see cref="Metadata"/>).
/// </summary>
/// <param name="Format">JPEG or PNG.</param>
/// <param name="Image">The encoded image.</param>
/// <param name="Metadata">Type 4's metadata, null for type 1.</param>
/// <param name="RunningPromptId">For type 1: the prompt this client was running when the frame came, if any.</param>
public sealed record PreviewImageEvent(PreviewImageFormat Format, ReadOnlyMemory<byte> Image, PreviewMetadata? Metadata, string? RunningPromptId) : ComfyEvent
{
    /// <inheritdoc />
    public override string Type => "preview_image";

    /// <inheritdoc />
    public override string? PromptId => Metadata?.PromptId ?? RunningPromptId;

    /// <summary>The node that produced the preview, when known (type 4).</summary>
    public string? NodeId => Metadata?.NodeId;
}

/// <summary>Binary frame type 3: a node's progress text.</summary>
/// <param name="NodeId">The node.</param>
/// <param name="Text">The text.</param>
/// <param name="RunningPromptId">The prompt this client was running when the frame came, if any.</param>
public sealed record ProgressTextEvent(string NodeId, string Text, string? RunningPromptId) : ComfyEvent
{
    /// <inheritdoc />
    public override string Type => "progress_text";

    /// <inheritdoc />
    public override string? PromptId => RunningPromptId;
}
