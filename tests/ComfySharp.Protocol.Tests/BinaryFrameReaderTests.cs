using System.Buffers.Binary;
using System.Text;
using ComfySharp.Protocol.Frames;

namespace ComfySharp.Protocol.Tests;

public sealed class BinaryFrameReaderTests
{
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3];

    [Fact]
    public void Type_1_round_trips()
    {
        using var frame = BinaryFrameWriter.PreviewImage(PreviewImageFormat.Jpeg, Jpeg);
        Assert.True(BinaryFrameReader.TryRead(frame.Memory.Span, out var decoded));
        Assert.Equal(BinaryEventType.PreviewImage, decoded.Type);
        Assert.Equal(PreviewImageFormat.Jpeg, decoded.Format);
        Assert.Equal(Jpeg, decoded.Image.ToArray());
        Assert.Null(decoded.NodeId);
        Assert.Null(decoded.Metadata);
    }

    [Fact]
    public void Type_1_with_an_empty_image_is_still_a_frame()
    {
        Assert.True(BinaryFrameReader.TryRead([0, 0, 0, 1, 0, 0, 0, 2], out var decoded));
        Assert.Equal(PreviewImageFormat.Png, decoded.Format);
        Assert.True(decoded.Image.IsEmpty);
    }

    [Theory]
    [InlineData("12:5", "Loading… ✓")]
    [InlineData("", "")]
    [InlineData("3", "")]
    [InlineData("", "no node")]
    public void Type_3_round_trips(string nodeId, string text)
    {
        using var frame = BinaryFrameWriter.Text(nodeId, text);
        Assert.True(BinaryFrameReader.TryRead(frame.Memory.Span, out var decoded));
        Assert.Equal(BinaryEventType.Text, decoded.Type);
        Assert.Equal(nodeId, decoded.NodeId);
        Assert.Equal(text, decoded.Text);
        Assert.True(decoded.Image.IsEmpty);
    }

    [Theory]
    [InlineData(null, "image/png", PreviewImageFormat.Png)]
    [InlineData("5", "image/jpeg", PreviewImageFormat.Jpeg)]
    public void Type_4_round_trips(string? parent, string imageType, PreviewImageFormat format)
    {
        var metadata = new PreviewMetadata("5:2", "p-1", "5:2", parent, "5", imageType);
        using var frame = BinaryFrameWriter.PreviewImageWithMetadata(metadata, Jpeg);
        Assert.True(BinaryFrameReader.TryRead(frame.Memory.Span, out var decoded));
        Assert.Equal(BinaryEventType.PreviewImageWithMetadata, decoded.Type);
        Assert.Equal(metadata, decoded.Metadata);
        Assert.Equal("5:2", decoded.NodeId);
        Assert.Equal(format, decoded.Format);
        Assert.Equal(Jpeg, decoded.Image.ToArray());
    }

    [Fact]
    public void Type_4_escaped_strings_round_trip()
    {
        var metadata = new PreviewMetadata("a\"b\\c\n\t\u0001\u007f/<>&", "é✓😀", "", null, "\b\f\r", "image/png");
        using var frame = BinaryFrameWriter.PreviewImageWithMetadata(metadata, [1]);
        Assert.True(BinaryFrameReader.TryRead(frame.Memory.Span, out var decoded));
        Assert.Equal(metadata, decoded.Metadata);
    }

    [Fact]
    public void Type_4_metadata_from_other_writers_is_read_in_any_key_order()
    {
        var frame = Type4("""  {"image_type":"image/png","extra":{"nested":[1,2,{"x":null}]},"real_node_id":"r","node_id":"n"}  """, [7, 7]);
        Assert.True(BinaryFrameReader.TryRead(frame, out var decoded));
        Assert.Equal(new PreviewMetadata("n", "", "", null, "r", "image/png"), decoded.Metadata);
        Assert.Equal([7, 7], decoded.Image.ToArray());
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("\"x\"")]
    [InlineData("{")]
    [InlineData("{\"node_id\": 3}")]
    [InlineData("{\"prompt_id\": [\"x\"]}")]
    [InlineData("{\"node_id\": \"a\"} {}")]
    [InlineData("{\"node_id\": \"a\"} x")]
    [InlineData("{\"node_id\": \"a\",}")]
    [InlineData("{'node_id': 'a'}")]
    [InlineData("{\"x\": NaN}")]
    public void Type_4_metadata_that_is_not_one_well_formed_object_is_rejected(string json) =>
        Assert.False(BinaryFrameReader.TryRead(Type4(json, Jpeg), out _));

    [Fact]
    public void Type_4_metadata_with_invalid_UTF8_is_rejected()
    {
        byte[] json = [.. "{\"node_id\": \""u8, 0xC3, 0x28, .. "\"}"u8];
        byte[] frame = [0, 0, 0, 4, 0, 0, 0, (byte)json.Length, .. json];
        Assert.False(BinaryFrameReader.TryRead(frame, out _));
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0, 0, 0, 1 })]
    [InlineData(new byte[] { 0, 0, 0, 1, 0, 0, 0 })]
    [InlineData(new byte[] { 0, 0, 0, 1, 0, 0, 0, 0, 0xFF })]
    [InlineData(new byte[] { 0, 0, 0, 1, 0, 0, 0, 3, 0xFF })]
    [InlineData(new byte[] { 0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFF })]
    [InlineData(new byte[] { 0, 0, 0, 2, 0, 0, 0, 1 })]
    [InlineData(new byte[] { 0, 0, 0, 0, 0, 0, 0, 1 })]
    [InlineData(new byte[] { 0, 0, 0, 5, 0, 0, 0, 0 })]
    [InlineData(new byte[] { 1, 0, 0, 1, 0, 0, 0, 1 })]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0 })]
    [InlineData(new byte[] { 0, 0, 0, 3, 0, 0, 0, 2, (byte)'1' })]
    [InlineData(new byte[] { 0, 0, 0, 3, 0x80, 0, 0, 0, (byte)'1' })]
    [InlineData(new byte[] { 0, 0, 0, 3, 0xFF, 0xFF, 0xFF, 0xFF, (byte)'1' })]
    [InlineData(new byte[] { 0, 0, 0, 3, 0, 0, 0, 1, 0xC3 })]
    [InlineData(new byte[] { 0, 0, 0, 3, 0, 0, 0, 1, (byte)'1', 0xC3 })]
    [InlineData(new byte[] { 0, 0, 0, 3, 0, 0, 0, 0, 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { 0, 0, 0, 4, 0, 0, 0, 0 })]
    [InlineData(new byte[] { 0, 0, 0, 4, 0, 0, 0, 2, (byte)'{' })]
    [InlineData(new byte[] { 0, 0, 0, 4, 0x7F, 0xFF, 0xFF, 0xFF, (byte)'{', (byte)'}' })]
    [InlineData(new byte[] { 0, 0, 0, 4, 0xFF, 0xFF, 0xFF, 0xFF, (byte)'{', (byte)'}' })]
    public void Malformed_frames_are_rejected(byte[] data) => Assert.False(BinaryFrameReader.TryRead(data, out _));

    [Fact]
    public void Type_4_with_an_empty_object_and_no_image_is_a_frame()
    {
        Assert.True(BinaryFrameReader.TryRead([0, 0, 0, 4, 0, 0, 0, 2, (byte)'{', (byte)'}'], out var decoded));
        Assert.Equal(new PreviewMetadata("", "", "", null, "", ""), decoded.Metadata);
        Assert.Equal(PreviewImageFormat.Jpeg, decoded.Format);
        Assert.True(decoded.Image.IsEmpty);
    }

    [Fact]
    public void Every_truncation_of_a_length_prefixed_frame_short_of_its_payload_is_rejected()
    {
        var metadata = new PreviewMetadata("3", "p-1", "3", null, "3", "image/jpeg");
        var type4 = BinaryFrames.PreviewImageWithMetadata(metadata, Jpeg);
        var type3 = BinaryFrames.Text("node-12", "text");
        var jsonEnd = 8 + (int)BinaryPrimitives.ReadUInt32BigEndian(type4.AsSpan(4));
        for (var length = 0; length < jsonEnd; length++) Assert.False(BinaryFrameReader.TryRead(type4.AsSpan(0, length), out _));
        for (var length = jsonEnd; length <= type4.Length; length++) Assert.True(BinaryFrameReader.TryRead(type4.AsSpan(0, length), out _));
        for (var length = 0; length < 8 + 7; length++) Assert.False(BinaryFrameReader.TryRead(type3.AsSpan(0, length), out _));
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        var random = new Random(1234);
        var data = new byte[96];
        for (var i = 0; i < 50_000; i++)
        {
            var span = data.AsSpan(0, random.Next(0, data.Length + 1));
            random.NextBytes(span);
            // Steer most inputs at real types and plausible lengths so the payload parsers are exercised too.
            if (span.Length >= 8 && random.Next(4) != 0)
            {
                BinaryPrimitives.WriteUInt32BigEndian(span, (uint)random.Next(0, 6));
                if (random.Next(2) == 0) BinaryPrimitives.WriteUInt32BigEndian(span[4..], (uint)random.Next(0, span.Length));
            }
            _ = BinaryFrameReader.TryRead(span, out _);
        }
    }

    [Fact]
    public void Mutated_valid_frames_never_throw()
    {
        var random = new Random(99);
        var metadata = new PreviewMetadata("12:5", "7b7f1c52-1d3c-4f59-9a6a-7d1c50c3b1a1", "12", "12", "12", "image/jpeg");
        byte[][] seeds =
        [
            BinaryFrames.PreviewImage(PreviewImageFormat.Jpeg, Jpeg),
            BinaryFrames.Text("12:5", "Loading… ✓"),
            BinaryFrames.PreviewImageWithMetadata(metadata, Jpeg),
        ];
        for (var i = 0; i < 50_000; i++)
        {
            var frame = seeds[i % seeds.Length].ToArray();
            for (var flips = random.Next(1, 4); flips > 0; flips--) frame[random.Next(frame.Length)] = (byte)random.Next(256);
            _ = BinaryFrameReader.TryRead(frame.AsSpan(0, random.Next(frame.Length + 1)), out _);
        }
    }

    private static byte[] Type4(string json, byte[] image)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var frame = new byte[8 + bytes.Length + image.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, 4);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)bytes.Length);
        bytes.CopyTo(frame, 8);
        image.CopyTo(frame, 8 + bytes.Length);
        return frame;
    }
}
