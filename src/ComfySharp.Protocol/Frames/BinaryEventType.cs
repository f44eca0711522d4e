namespace ComfySharp.Protocol.Frames;

/// <summary>The 4-byte big-endian event type that starts every binary WebSocket frame (ComfyUI's <c>BinaryEventTypes</c>).</summary>
public enum BinaryEventType : uint
{
    /// <summary>An encoded preview image: 4-byte format (1 JPEG, 2 PNG) then the image bytes.</summary>
    PreviewImage = 1,

    /// <summary>ComfyUI's internal marker for a preview not yet encoded; never on the wire.</summary>
    UnencodedPreviewImage = 2,

    /// <summary>Progress text: 4-byte node id length, the node id, then the text (UTF-8).</summary>
    Text = 3,

    /// <summary>A preview with metadata: 4-byte JSON length, the JSON, then the image bytes.</summary>
    PreviewImageWithMetadata = 4,
}
