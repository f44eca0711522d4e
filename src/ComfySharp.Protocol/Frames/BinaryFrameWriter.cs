using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace ComfySharp.Protocol.Frames;

/// <summary>
/// Encodes ComfyUI's binary WebSocket frames (protocol.md §3.4) into buffers rented from <see cref="ArrayPool{T}.Shared"/>:
/// a 4-byte big-endian event type, a 4-byte big-endian word (image format or length), then the payload.
/// Dispose the returned <see cref="BinaryFrame"/> once it has been sent.
/// </summary>
public static class BinaryFrameWriter
{
    internal const int HeaderLength = 8; // event type + format or length word

    /// <summary>A type-1 frame: <c>[1][format][image…]</c>.</summary>
    /// <param name="format">JPEG or PNG.</param>
    /// <param name="image">The encoded image bytes.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="format"/> is neither JPEG nor PNG.</exception>
    public static BinaryFrame PreviewImage(PreviewImageFormat format, ReadOnlySpan<byte> image)
    {
        var length = PreviewImageLength(format, image);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        WritePreviewImage(buffer, format, image);
        return new BinaryFrame(buffer, length);
    }

    /// <summary>A type-3 frame: <c>[3][node id byte length][node id][text]</c>, both UTF-8.</summary>
    /// <param name="nodeId">The node the text belongs to.</param>
    /// <param name="text">The progress text.</param>
    public static BinaryFrame Text(string nodeId, string text)
    {
        var length = TextLength(nodeId, text, out var idLength);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        WriteText(buffer, nodeId, text, idLength);
        return new BinaryFrame(buffer, length);
    }

    /// <summary>A type-4 frame: <c>[4][JSON byte length][metadata JSON][image…]</c>, the JSON exactly as ComfyUI writes it.</summary>
    /// <param name="metadata">The preview's metadata; its <see cref="PreviewMetadata.ImageType"/> should match the image.</param>
    /// <param name="image">The encoded image bytes.</param>
    public static BinaryFrame PreviewImageWithMetadata(PreviewMetadata metadata, ReadOnlySpan<byte> image)
    {
        var length = PreviewImageWithMetadataLength(metadata, image, out var jsonLength);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        WritePreviewImageWithMetadata(buffer, metadata, image, jsonLength);
        return new BinaryFrame(buffer, length);
    }

    internal static int PreviewImageLength(PreviewImageFormat format, ReadOnlySpan<byte> image)
    {
        if (format is not (PreviewImageFormat.Jpeg or PreviewImageFormat.Png))
        {
            throw new ArgumentOutOfRangeException(nameof(format), format, "A preview image is JPEG (1) or PNG (2).");
        }
        return checked(HeaderLength + image.Length);
    }

    internal static void WritePreviewImage(Span<byte> destination, PreviewImageFormat format, ReadOnlySpan<byte> image)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)BinaryEventType.PreviewImage);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], (uint)format);
        image.CopyTo(destination[HeaderLength..]);
    }

    internal static int TextLength(string nodeId, string text, out int idLength)
    {
        ArgumentNullException.ThrowIfNull(nodeId);
        ArgumentNullException.ThrowIfNull(text);
        idLength = Encoding.UTF8.GetByteCount(nodeId);
        return checked(HeaderLength + idLength + Encoding.UTF8.GetByteCount(text));
    }

    internal static void WriteText(Span<byte> destination, string nodeId, string text, int idLength)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)BinaryEventType.Text);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], (uint)idLength);
        Encoding.UTF8.GetBytes(nodeId, destination[HeaderLength..]);
        Encoding.UTF8.GetBytes(text, destination[(HeaderLength + idLength)..]);
    }

    internal static int PreviewImageWithMetadataLength(PreviewMetadata metadata, ReadOnlySpan<byte> image, out int jsonLength)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        jsonLength = MetadataJson.GetLength(metadata);
        return checked(HeaderLength + jsonLength + image.Length);
    }

    internal static void WritePreviewImageWithMetadata(Span<byte> destination, PreviewMetadata metadata, ReadOnlySpan<byte> image, int jsonLength)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)BinaryEventType.PreviewImageWithMetadata);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], (uint)jsonLength);
        MetadataJson.Write(metadata, destination[HeaderLength..]);
        image.CopyTo(destination[(HeaderLength + jsonLength)..]);
    }
}
