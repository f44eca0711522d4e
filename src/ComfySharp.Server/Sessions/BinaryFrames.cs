using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using ComfySharp.Engine.Execution;
using ComfySharp.Engine.Nodes;

namespace ComfySharp.Server.Sessions;

/// <summary>Binary frames of protocol.md §3.4, built once per event and shared by every recipient.</summary>
internal static class BinaryFrames
{
    private const uint TypePreview = 1;
    private const uint TypeText = 3;
    private const uint TypePreviewWithMetadata = 4;

    public static byte[] Preview(Engine.Nodes.PreviewImage image)
    {
        var frame = new byte[8 + image.Bytes.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, TypePreview);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)image.Format);
        image.Bytes.Span.CopyTo(frame.AsSpan(8));
        return frame;
    }

    public static byte[] PreviewWithMetadata(string promptId, NodeProgress node, Engine.Nodes.PreviewImage image)
    {
        var metadata = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string?>
        {
            ["node_id"] = node.NodeId,
            ["prompt_id"] = promptId,
            ["display_node_id"] = node.DisplayNodeId,
            ["parent_node_id"] = node.ParentNodeId,
            ["real_node_id"] = node.RealNodeId,
            ["image_type"] = image.Format == PreviewFormat.Png ? "image/png" : "image/jpeg",
        }, SessionJsonContext.Default.DictionaryStringString);
        var frame = new byte[8 + metadata.Length + image.Bytes.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, TypePreviewWithMetadata);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)metadata.Length);
        metadata.CopyTo(frame.AsSpan(8));
        image.Bytes.Span.CopyTo(frame.AsSpan(8 + metadata.Length));
        return frame;
    }

    public static byte[] Text(string nodeId, string text)
    {
        var idLength = Encoding.UTF8.GetByteCount(nodeId);
        var frame = new byte[8 + idLength + Encoding.UTF8.GetByteCount(text)];
        BinaryPrimitives.WriteUInt32BigEndian(frame, TypeText);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)idLength);
        Encoding.UTF8.GetBytes(nodeId, frame.AsSpan(8));
        Encoding.UTF8.GetBytes(text, frame.AsSpan(8 + idLength));
        return frame;
    }
}
