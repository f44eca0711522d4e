using System.Text;
using ComfySharp.Protocol.Frames;

namespace ComfySharp.Protocol.Tests;

public sealed class BinaryFramesTests
{
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3];

    [Fact]
    public void Type_1_is_type_format_then_image()
    {
        var frame = BinaryFrames.PreviewImage(PreviewImageFormat.Jpeg, Jpeg);
        Assert.Equal([0, 0, 0, 1, 0, 0, 0, 1, 0xFF, 0xD8], frame[..10]);
        Assert.True(BinaryFrames.TryRead(frame, out var decoded));
        Assert.Equal(BinaryEventType.PreviewImage, decoded.Type);
        Assert.Equal(PreviewImageFormat.Jpeg, decoded.Format);
        Assert.Equal(Jpeg, decoded.Image.ToArray());
    }

    [Fact]
    public void Type_3_carries_the_node_id_length_first()
    {
        var frame = BinaryFrames.Text("12:5", "Loading… ✓");
        Assert.Equal([0, 0, 0, 3, 0, 0, 0, 4], frame[..8]);
        Assert.Equal("12:5", Encoding.UTF8.GetString(frame, 8, 4));
        Assert.True(BinaryFrames.TryRead(frame, out var decoded));
        Assert.Equal("12:5", decoded.NodeId);
        Assert.Equal("Loading… ✓", decoded.Text);
    }

    [Fact]
    public void Type_4_round_trips_metadata_in_ComfyUI_key_order()
    {
        var metadata = new PreviewMetadata("3", "p-1", "3", null, "3", "image/png");
        var frame = BinaryFrames.PreviewImageWithMetadata(metadata, [9, 8, 7]);
        Assert.Equal([0, 0, 0, 4], frame[..4]);
        var length = (frame[4] << 24) | (frame[5] << 16) | (frame[6] << 8) | frame[7];
        Assert.Equal(
            """{"node_id":"3","prompt_id":"p-1","display_node_id":"3","parent_node_id":null,"real_node_id":"3","image_type":"image/png"}""",
            Encoding.UTF8.GetString(frame, 8, length));
        Assert.True(BinaryFrames.TryRead(frame, out var decoded));
        Assert.Equal(metadata, decoded.Metadata);
        Assert.Equal([9, 8, 7], decoded.Image.ToArray());
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0, 0, 0, 1 })]
    [InlineData(new byte[] { 0, 0, 0, 1, 0, 0, 0, 9 })]
    [InlineData(new byte[] { 0, 0, 0, 3, 0, 0, 0, 50, 1 })]
    [InlineData(new byte[] { 0, 0, 0, 4, 0, 0, 0, 5, (byte)'{', (byte)'x' })]
    [InlineData(new byte[] { 0, 0, 0, 4, 0xFF, 0xFF, 0xFF, 0xFF, 1 })]
    [InlineData(new byte[] { 0, 0, 0, 2, 0, 0, 0, 1 })]
    [InlineData(new byte[] { 0, 0, 0, 99, 0, 0, 0, 1 })]
    [InlineData(new byte[] { 0, 0, 0, 3, 0, 0, 0, 1, 0xC3 })]
    public void Malformed_frames_are_rejected(byte[] data) => Assert.False(BinaryFrames.TryRead(data, out _));

    [Fact]
    public void Random_bytes_never_throw()
    {
        var random = new Random(1234);
        for (var i = 0; i < 20_000; i++)
        {
            var data = new byte[random.Next(0, 64)];
            random.NextBytes(data);
            if (data.Length >= 4 && random.Next(2) == 0) data[3] = (byte)random.Next(1, 5);
            if (data.Length >= 4) data[0] = data[1] = data[2] = 0;
            BinaryFrames.TryRead(data, out _);
        }
    }
}
