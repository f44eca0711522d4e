using System.Text;
using ComfySharp.Protocol.Frames;

namespace ComfySharp.Protocol.Tests;

public sealed class BinaryFrameWriterTests
{
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3];
    private static readonly byte[] Png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    [Fact]
    public void Type_1_jpeg_is_type_then_format_then_the_image()
    {
        using var frame = BinaryFrameWriter.PreviewImage(PreviewImageFormat.Jpeg, Jpeg);
        // protocol.md §3.4: a JPEG preview as type 1 = 00 00 00 01 | 00 00 00 01 | FF D8 …
        Assert.Equal([0, 0, 0, 1, 0, 0, 0, 1, 0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3], frame.Memory.ToArray());
        Assert.Equal(15, frame.Length);
    }

    [Fact]
    public void Type_1_png_carries_format_2()
    {
        using var frame = BinaryFrameWriter.PreviewImage(PreviewImageFormat.Png, Png);
        Assert.Equal([0, 0, 0, 1, 0, 0, 0, 2, .. Png], frame.Memory.ToArray());
    }

    [Fact]
    public void Type_3_is_the_node_id_byte_length_then_node_id_then_text_in_UTF8()
    {
        using var frame = BinaryFrameWriter.Text("12:5", "Loading… ✓");
        byte[] expected = [0, 0, 0, 3, 0, 0, 0, 4, .. "12:5"u8, .. "Loading… ✓"u8];
        Assert.Equal(expected, frame.Memory.ToArray());
    }

    [Fact]
    public void Type_3_length_counts_UTF8_bytes_not_characters()
    {
        using var frame = BinaryFrameWriter.Text("é", "");
        Assert.Equal([0, 0, 0, 3, 0, 0, 0, 2, 0xC3, 0xA9], frame.Memory.ToArray());
    }

    [Fact]
    public void Type_4_metadata_is_byte_for_byte_what_ComfyUI_json_dumps_writes()
    {
        var metadata = new PreviewMetadata("12:5", "7b7f1c52-1d3c-4f59-9a6a-7d1c50c3b1a1", "12", "12", "12", "image/jpeg");
        using var frame = BinaryFrameWriter.PreviewImageWithMetadata(metadata, Jpeg);
        // Python: json.dumps({...}) with default separators.
        var json = """{"node_id": "12:5", "prompt_id": "7b7f1c52-1d3c-4f59-9a6a-7d1c50c3b1a1", "display_node_id": "12", "parent_node_id": "12", "real_node_id": "12", "image_type": "image/jpeg"}"""u8;
        byte[] expected = [0, 0, 0, 4, 0, 0, 0, (byte)json.Length, .. json, .. Jpeg];
        Assert.Equal(expected, frame.Memory.ToArray());
    }

    [Fact]
    public void Type_4_escapes_like_Python_ensure_ascii()
    {
        var metadata = new PreviewMetadata("a\"b\\c\n\t\u0001\u007f/<>&", "é✓😀", "", null, "\b\f\r", "image/png");
        using var frame = BinaryFrameWriter.PreviewImageWithMetadata(metadata, []);
        // Python: json.dumps(...) of the same dict.
        var json = """{"node_id": "a\"b\\c\n\t\u0001\u007f/<>&", "prompt_id": "\u00e9\u2713\ud83d\ude00", "display_node_id": "", "parent_node_id": null, "real_node_id": "\b\f\r", "image_type": "image/png"}""";
        Assert.Equal(json, Encoding.ASCII.GetString(frame.Memory.Span[8..]));
        Assert.Equal(json.Length, frame.Memory.Span[7]);
    }

    [Fact]
    public void Pooled_and_array_encoders_write_the_same_bytes()
    {
        var metadata = new PreviewMetadata("3", "p", "3", null, "3", "image/jpeg");
        using var type1 = BinaryFrameWriter.PreviewImage(PreviewImageFormat.Png, Png);
        using var type3 = BinaryFrameWriter.Text("7", "step 3/20");
        using var type4 = BinaryFrameWriter.PreviewImageWithMetadata(metadata, Jpeg);
        Assert.Equal(BinaryFrames.PreviewImage(PreviewImageFormat.Png, Png), type1.Memory.ToArray());
        Assert.Equal(BinaryFrames.Text("7", "step 3/20"), type3.Memory.ToArray());
        Assert.Equal(BinaryFrames.PreviewImageWithMetadata(metadata, Jpeg), type4.Memory.ToArray());
    }

    [Fact]
    public void Undefined_image_formats_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => BinaryFrameWriter.PreviewImage((PreviewImageFormat)3, Jpeg));
        Assert.Throws<ArgumentOutOfRangeException>(() => BinaryFrames.PreviewImage(0, Jpeg));
    }

    [Fact]
    public void Dispose_returns_the_buffer_once_and_the_memory_is_gone()
    {
        var frame = BinaryFrameWriter.Text("1", "x");
        frame.Dispose();
        frame.Dispose();
        Assert.Throws<ObjectDisposedException>(() => frame.Memory);
    }

    [Fact]
    public void A_large_image_round_trips_through_a_pooled_buffer()
    {
        var image = new byte[300_000];
        new Random(7).NextBytes(image);
        var metadata = new PreviewMetadata("9", "p-9", "9", "4", "4", "image/png");
        using var frame = BinaryFrameWriter.PreviewImageWithMetadata(metadata, image);
        Assert.True(BinaryFrameReader.TryRead(frame.Memory.Span, out var decoded));
        Assert.Equal(metadata, decoded.Metadata);
        Assert.True(decoded.Image.SequenceEqual(image));
    }
}
