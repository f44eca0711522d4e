namespace ComfySharp.Protocol.Frames;

/// <summary>A decoded binary WebSocket frame.</summary>
/// <param name="Type">The frame's event type.</param>
/// <param name="Format">For type 1: the image format.</param>
/// <param name="Metadata">For type 4: the metadata.</param>
/// <param name="NodeId">For type 3: the node the text belongs to.</param>
/// <param name="Text">For type 3: the text.</param>
/// <param name="Image">For types 1 and 4: the encoded image bytes.</param>
public sealed record BinaryFrame(
    BinaryEventType Type,
    PreviewImageFormat? Format = null,
    PreviewMetadata? Metadata = null,
    string? NodeId = null,
    string? Text = null,
    ReadOnlyMemory<byte> Image = default);
