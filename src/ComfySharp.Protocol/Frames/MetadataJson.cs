using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace ComfySharp.Protocol.Frames;

/// <summary>
/// The type-4 metadata JSON, byte for byte as ComfyUI's <c>json.dumps(metadata)</c> writes it (protocol.md §3.4):
/// <c>", "</c> and <c>": "</c> separators, ASCII only (<c>\uXXXX</c> with lowercase hex), keys in ComfyUI's order.
/// Written straight into the frame buffer after a sizing pass, so encoding allocates nothing.
/// </summary>
internal static class MetadataJson
{
    private const string HexDigits = "0123456789abcdef";

    // Which metadata key a property name is.
    private const int Unknown = 0, NodeId = 1, PromptId = 2, DisplayNodeId = 3, ParentNodeId = 4, RealNodeId = 5, ImageType = 6;

    private static ReadOnlySpan<byte> NodeIdKey => "{\"node_id\": "u8;
    private static ReadOnlySpan<byte> PromptIdKey => ", \"prompt_id\": "u8;
    private static ReadOnlySpan<byte> DisplayNodeIdKey => ", \"display_node_id\": "u8;
    private static ReadOnlySpan<byte> ParentNodeIdKey => ", \"parent_node_id\": "u8;
    private static ReadOnlySpan<byte> RealNodeIdKey => ", \"real_node_id\": "u8;
    private static ReadOnlySpan<byte> ImageTypeKey => ", \"image_type\": "u8;
    private static ReadOnlySpan<byte> Null => "null"u8;

    public static int GetLength(PreviewMetadata metadata)
    {
        var length = NodeIdKey.Length + PromptIdKey.Length + DisplayNodeIdKey.Length + ParentNodeIdKey.Length
            + RealNodeIdKey.Length + ImageTypeKey.Length + 1; // closing brace
        length = checked(length
            + StringLength(metadata.NodeId)
            + StringLength(metadata.PromptId)
            + StringLength(metadata.DisplayNodeId)
            + (metadata.ParentNodeId is null ? Null.Length : StringLength(metadata.ParentNodeId))
            + StringLength(metadata.RealNodeId)
            + StringLength(metadata.ImageType));
        return length;
    }

    /// <summary>Writes exactly <see cref="GetLength"/> bytes.</summary>
    public static int Write(PreviewMetadata metadata, Span<byte> destination)
    {
        var at = Append(destination, 0, NodeIdKey);
        at = WriteString(destination, at, metadata.NodeId);
        at = Append(destination, at, PromptIdKey);
        at = WriteString(destination, at, metadata.PromptId);
        at = Append(destination, at, DisplayNodeIdKey);
        at = WriteString(destination, at, metadata.DisplayNodeId);
        at = Append(destination, at, ParentNodeIdKey);
        at = metadata.ParentNodeId is null ? Append(destination, at, Null) : WriteString(destination, at, metadata.ParentNodeId);
        at = Append(destination, at, RealNodeIdKey);
        at = WriteString(destination, at, metadata.RealNodeId);
        at = Append(destination, at, ImageTypeKey);
        at = WriteString(destination, at, metadata.ImageType);
        destination[at++] = (byte)'}';
        return at;
    }

    /// <summary>
    /// Reads the metadata object in any key order; unknown keys are skipped, missing ones read as empty (parent as null).
    /// False for anything that is not exactly one JSON object, or a known key holding something other than a string or null.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> json, [NotNullWhen(true)] out PreviewMetadata? metadata)
    {
        metadata = null;
        string? nodeId = null, promptId = null, displayNodeId = null, parentNodeId = null, realNodeId = null, imageType = null;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = KeyOf(ref reader);
                if (!reader.Read()) return false;
                if (key == Unknown)
                {
                    reader.Skip();
                    continue;
                }
                if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.Null)) return false;
                var value = reader.GetString();
                switch (key)
                {
                    case NodeId: nodeId = value; break;
                    case PromptId: promptId = value; break;
                    case DisplayNodeId: displayNodeId = value; break;
                    case ParentNodeId: parentNodeId = value; break;
                    case RealNodeId: realNodeId = value; break;
                    default: imageType = value; break;
                }
            }
            // The loop stops at the object's end; a second Read is false at the end of input and throws on anything but whitespace.
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read()) return false;
        }
        catch (JsonException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false; // a string value that is not valid UTF-8
        }
        metadata = new PreviewMetadata(nodeId ?? "", promptId ?? "", displayNodeId ?? "", parentNodeId, realNodeId ?? "", imageType ?? "");
        return true;
    }

    private static int KeyOf(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals("node_id"u8)) return NodeId;
        if (reader.ValueTextEquals("prompt_id"u8)) return PromptId;
        if (reader.ValueTextEquals("display_node_id"u8)) return DisplayNodeId;
        if (reader.ValueTextEquals("parent_node_id"u8)) return ParentNodeId;
        if (reader.ValueTextEquals("real_node_id"u8)) return RealNodeId;
        if (reader.ValueTextEquals("image_type"u8)) return ImageType;
        return Unknown;
    }

    private static int StringLength(string value)
    {
        var length = 2; // quotes
        foreach (var c in value) length = checked(length + EscapedLength(c));
        return length;
    }

    // Python's ensure_ascii: printable ASCII (space..'~') as is, seven short escapes, everything else \uXXXX per UTF-16 unit
    // (so astral characters become a surrogate pair, as in Python).
    private static int EscapedLength(char c) => c switch
    {
        '"' or '\\' or '\b' or '\f' or '\n' or '\r' or '\t' => 2,
        >= ' ' and <= '~' => 1,
        _ => 6,
    };

    private static int WriteString(Span<byte> destination, int at, string value)
    {
        destination[at++] = (byte)'"';
        foreach (var c in value)
        {
            switch (c)
            {
                case '"' or '\\':
                    destination[at++] = (byte)'\\';
                    destination[at++] = (byte)c;
                    break;
                case '\b': at = Short(destination, at, (byte)'b'); break;
                case '\f': at = Short(destination, at, (byte)'f'); break;
                case '\n': at = Short(destination, at, (byte)'n'); break;
                case '\r': at = Short(destination, at, (byte)'r'); break;
                case '\t': at = Short(destination, at, (byte)'t'); break;
                case >= ' ' and <= '~':
                    destination[at++] = (byte)c;
                    break;
                default:
                    destination[at++] = (byte)'\\';
                    destination[at++] = (byte)'u';
                    destination[at++] = (byte)HexDigits[c >> 12];
                    destination[at++] = (byte)HexDigits[(c >> 8) & 0xF];
                    destination[at++] = (byte)HexDigits[(c >> 4) & 0xF];
                    destination[at++] = (byte)HexDigits[c & 0xF];
                    break;
            }
        }
        destination[at++] = (byte)'"';
        return at;
    }

    private static int Short(Span<byte> destination, int at, byte letter)
    {
        destination[at] = (byte)'\\';
        destination[at + 1] = letter;
        return at + 2;
    }

    private static int Append(Span<byte> destination, int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(destination[at..]);
        return at + bytes.Length;
    }
}
