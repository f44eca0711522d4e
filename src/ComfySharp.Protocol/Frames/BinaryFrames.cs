using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace ComfySharp.Protocol.Frames;

/// <summary>
/// Encodes and decodes ComfyUI's binary WebSocket frames (protocol.md §3.4): a 4-byte big-endian type, then the payload.
/// Encoded frames are plain arrays so one frame can be shared by every socket it goes to.
/// </summary>
public static class BinaryFrames
{
    private const int HeaderLength = 8;

    /// <summary>A type-1 frame: <c>[1][format][image…]</c>.</summary>
    public static byte[] PreviewImage(PreviewImageFormat format, ReadOnlySpan<byte> image)
    {
        var frame = new byte[HeaderLength + image.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)BinaryEventType.PreviewImage);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)format);
        image.CopyTo(frame.AsSpan(HeaderLength));
        return frame;
    }

    /// <summary>A type-3 frame: <c>[3][node id length][node id][text]</c>.</summary>
    public static byte[] Text(string nodeId, string text)
    {
        var idLength = Encoding.UTF8.GetByteCount(nodeId);
        var frame = new byte[HeaderLength + idLength + Encoding.UTF8.GetByteCount(text)];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)BinaryEventType.Text);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)idLength);
        Encoding.UTF8.GetBytes(nodeId, frame.AsSpan(HeaderLength));
        Encoding.UTF8.GetBytes(text, frame.AsSpan(HeaderLength + idLength));
        return frame;
    }

    /// <summary>A type-4 frame: <c>[4][JSON length][metadata JSON][image…]</c>.</summary>
    public static byte[] PreviewImageWithMetadata(PreviewMetadata metadata, ReadOnlySpan<byte> image)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var json = MetadataJson(metadata);
        var frame = new byte[HeaderLength + json.Length + image.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)BinaryEventType.PreviewImageWithMetadata);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)json.Length);
        json.CopyTo(frame.AsSpan(HeaderLength));
        image.CopyTo(frame.AsSpan(HeaderLength + json.Length));
        return frame;
    }

    /// <summary>Decodes a frame; false for anything malformed (too short, lengths past the end, unknown type, bad JSON). Never throws.</summary>
    public static bool TryRead(ReadOnlyMemory<byte> data, out BinaryFrame frame)
    {
        frame = null!;
        var span = data.Span;
        if (span.Length < HeaderLength) return false;
        var type = (BinaryEventType)BinaryPrimitives.ReadUInt32BigEndian(span);
        var word = BinaryPrimitives.ReadUInt32BigEndian(span[4..]);
        var rest = span.Length - HeaderLength;
        switch (type)
        {
            case BinaryEventType.PreviewImage:
                if (word is not ((uint)PreviewImageFormat.Jpeg or (uint)PreviewImageFormat.Png)) return false;
                frame = new BinaryFrame(type, Format: (PreviewImageFormat)word, Image: data[HeaderLength..]);
                return true;
            case BinaryEventType.Text:
                if (word > (uint)rest) return false;
                var id = (int)word;
                if (!TryUtf8(span.Slice(HeaderLength, id), out var nodeId) || !TryUtf8(span[(HeaderLength + id)..], out var text)) return false;
                frame = new BinaryFrame(type, NodeId: nodeId, Text: text);
                return true;
            case BinaryEventType.PreviewImageWithMetadata:
                if (word > (uint)rest) return false;
                var length = (int)word;
                if (!TryMetadata(span.Slice(HeaderLength, length), out var metadata)) return false;
                frame = new BinaryFrame(type, Metadata: metadata, Image: data[(HeaderLength + length)..]);
                return true;
            default:
                return false;
        }
    }

    private static byte[] MetadataJson(PreviewMetadata m)
    {
        using var buffer = new MemoryStream(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("node_id", m.NodeId);
            w.WriteString("prompt_id", m.PromptId);
            w.WriteString("display_node_id", m.DisplayNodeId);
            if (m.ParentNodeId is null) w.WriteNull("parent_node_id");
            else w.WriteString("parent_node_id", m.ParentNodeId);
            w.WriteString("real_node_id", m.RealNodeId);
            w.WriteString("image_type", m.ImageType);
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static bool TryMetadata(ReadOnlySpan<byte> json, out PreviewMetadata metadata)
    {
        metadata = null!;
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return false;
            metadata = new PreviewMetadata(
                Str(root, "node_id") ?? "",
                Str(root, "prompt_id") ?? "",
                Str(root, "display_node_id") ?? "",
                Str(root, "parent_node_id"),
                Str(root, "real_node_id") ?? "",
                Str(root, "image_type") ?? "");
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string? Str(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    private static bool TryUtf8(ReadOnlySpan<byte> bytes, out string text)
    {
        try
        {
            text = StrictUtf8.GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = "";
            return false;
        }
    }
}
