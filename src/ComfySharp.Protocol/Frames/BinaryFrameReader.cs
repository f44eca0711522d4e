using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace ComfySharp.Protocol.Frames;

/// <summary>Decodes ComfyUI's binary WebSocket frames (protocol.md §3.4). Malformed input yields false, never an exception.</summary>
public static class BinaryFrameReader
{
    /// <summary>
    /// Reads one whole frame. False when it is shorter than its 8-byte header, a length field points past the end, the type
    /// is not 1, 3 or 4 (type 2 never goes on the wire), a type-1 format is neither JPEG nor PNG, text is not valid UTF-8,
    /// or type-4 metadata is not one JSON object whose known keys hold strings (or null).
    /// </summary>
    /// <param name="data">The frame's bytes, starting with the event type.</param>
    /// <param name="frame">The decoded frame, its image a slice of <paramref name="data"/>; default when false.</param>
    public static bool TryRead(ReadOnlySpan<byte> data, out DecodedFrame frame)
    {
        frame = default;
        if (data.Length < BinaryFrameWriter.HeaderLength) return false;
        var type = BinaryPrimitives.ReadUInt32BigEndian(data);
        var word = BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
        var payload = data[BinaryFrameWriter.HeaderLength..];
        switch ((BinaryEventType)type)
        {
            case BinaryEventType.PreviewImage:
                if (word is not ((uint)PreviewImageFormat.Jpeg or (uint)PreviewImageFormat.Png)) return false;
                frame = new DecodedFrame(BinaryEventType.PreviewImage, (PreviewImageFormat)word, payload, null, null, null);
                return true;

            case BinaryEventType.Text:
                // Compared as uint so a length past int.MaxValue cannot wrap negative.
                if (word > (uint)payload.Length) return false;
                var nodeId = payload[..(int)word];
                var text = payload[(int)word..];
                if (!Utf8.IsValid(nodeId) || !Utf8.IsValid(text)) return false;
                frame = new DecodedFrame(BinaryEventType.Text, 0, default, Encoding.UTF8.GetString(nodeId), Encoding.UTF8.GetString(text), null);
                return true;

            case BinaryEventType.PreviewImageWithMetadata:
                if (word > (uint)payload.Length) return false;
                if (!MetadataJson.TryParse(payload[..(int)word], out var metadata)) return false;
                // ComfyUI: "image/png" for PNG previews, anything else is JPEG.
                var format = metadata.ImageType == "image/png" ? PreviewImageFormat.Png : PreviewImageFormat.Jpeg;
                frame = new DecodedFrame(BinaryEventType.PreviewImageWithMetadata, format, payload[(int)word..], metadata.NodeId, null, metadata);
                return true;

            default:
                return false;
        }
    }
}
