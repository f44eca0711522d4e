namespace ComfySharp.Protocol.Frames;

/// <summary>
/// A binary WebSocket frame read by <see cref="BinaryFrameReader.TryRead"/>. The image is a slice of the input, not a copy,
/// so the frame lives no longer than the buffer it was read from.
/// </summary>
public readonly ref struct DecodedFrame
{
    internal DecodedFrame(BinaryEventType type, PreviewImageFormat format, ReadOnlySpan<byte> image, string? nodeId, string? text, PreviewMetadata? metadata)
    {
        Type = type;
        Format = format;
        Image = image;
        NodeId = nodeId;
        Text = text;
        Metadata = metadata;
    }

    /// <summary>The frame's event type: <see cref="BinaryEventType.PreviewImage"/>, <see cref="BinaryEventType.Text"/> or <see cref="BinaryEventType.PreviewImageWithMetadata"/>.</summary>
    public BinaryEventType Type { get; }

    /// <summary>For types 1 and 4: the image format (for type 4 taken from the metadata's <c>image_type</c>); otherwise 0.</summary>
    public PreviewImageFormat Format { get; }

    /// <summary>For types 1 and 4: the encoded image bytes; otherwise empty.</summary>
    public ReadOnlySpan<byte> Image { get; }

    /// <summary>For type 3: the node the text belongs to; for type 4: the metadata's <c>node_id</c>; otherwise null.</summary>
    public string? NodeId { get; }

    /// <summary>For type 3: the progress text; otherwise null.</summary>
    public string? Text { get; }

    /// <summary>For type 4: the metadata; otherwise null.</summary>
    public PreviewMetadata? Metadata { get; }
}
