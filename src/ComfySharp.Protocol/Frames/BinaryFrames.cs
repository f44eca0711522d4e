namespace ComfySharp.Protocol.Frames;

/// <summary>
/// Encodes ComfyUI's binary WebSocket frames (protocol.md §3.4) into exactly sized plain arrays, for a frame that many sockets
/// share (a broadcast outlives any single writer loop, so no one owner could return a pooled buffer). Same bytes as
/// <see cref="BinaryFrameWriter"/>; read frames with <see cref="BinaryFrameReader"/>.
/// </summary>
public static class BinaryFrames
{
    /// <summary>A type-1 frame: <c>[1][format][image…]</c>.</summary>
    /// <param name="format">JPEG or PNG.</param>
    /// <param name="image">The encoded image bytes.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="format"/> is neither JPEG nor PNG.</exception>
    public static byte[] PreviewImage(PreviewImageFormat format, ReadOnlySpan<byte> image)
    {
        var frame = new byte[BinaryFrameWriter.PreviewImageLength(format, image)];
        BinaryFrameWriter.WritePreviewImage(frame, format, image);
        return frame;
    }

    /// <summary>A type-3 frame: <c>[3][node id byte length][node id][text]</c>, both UTF-8.</summary>
    /// <param name="nodeId">The node the text belongs to.</param>
    /// <param name="text">The progress text.</param>
    public static byte[] Text(string nodeId, string text)
    {
        var frame = new byte[BinaryFrameWriter.TextLength(nodeId, text, out var idLength)];
        BinaryFrameWriter.WriteText(frame, nodeId, text, idLength);
        return frame;
    }

    /// <summary>A type-4 frame: <c>[4][JSON byte length][metadata JSON][image…]</c>, the JSON exactly as ComfyUI writes it.</summary>
    /// <param name="metadata">The preview's metadata.</param>
    /// <param name="image">The encoded image bytes.</param>
    public static byte[] PreviewImageWithMetadata(PreviewMetadata metadata, ReadOnlySpan<byte> image)
    {
        var frame = new byte[BinaryFrameWriter.PreviewImageWithMetadataLength(metadata, image, out var jsonLength)];
        BinaryFrameWriter.WritePreviewImageWithMetadata(frame, metadata, image, jsonLength);
        return frame;
    }
}
