using System.Buffers.Binary;
using System.Text.Json.Nodes;
using ComfySharp.Server.Sessions;

namespace ComfySharp.Server.Tests.Sessions;

public sealed class EventFramesTests
{
    private static JsonNode Payload(byte[] frame, int expectedHeader)
    {
        Assert.Equal(0x81, frame[0]); // FIN, text
        Assert.Equal(expectedHeader, WebSocketHeader.Length(frame));
        var length = (frame[1] & 0x7F) switch
        {
            126 => BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(2)),
            127 => (long)BinaryPrimitives.ReadUInt64BigEndian(frame.AsSpan(2)),
            var n => n,
        };
        Assert.Equal(frame.Length - expectedHeader, length);
        Assert.Equal(0, frame[1] & 0x80); // server frames are never masked
        return JsonNode.Parse(frame.AsSpan(expectedHeader))!;
    }

    [Fact]
    public void An_event_is_a_whole_unmasked_text_frame()
    {
        var json = Payload(EventFrames.Status(3, "abc"), 2);
        Assert.Equal("status", (string?)json["type"]);
        Assert.Equal(3, (int?)json["data"]?["status"]?["exec_info"]?["queue_remaining"]);
        Assert.Equal("abc", (string?)json["data"]?["sid"]);
    }

    [Theory]
    [InlineData(200, 4)]
    [InlineData(70_000, 10)]
    public void Longer_payloads_take_the_extended_length_forms(int textLength, int header)
    {
        var output = new JsonObject { ["text"] = new JsonArray(new string('x', textLength)) };
        var json = Payload(EventFrames.Executed("p", "9", "9", output), header);
        Assert.Equal(textLength, ((string?)json["data"]?["output"]?["text"]?[0])?.Length);
    }

    [Fact]
    public void Frames_from_one_thread_do_not_share_bytes()
    {
        var first = EventFrames.Executing("1", "1", "p");
        var copy = first.ToArray();
        _ = EventFrames.Executing(null, null, "another-prompt");
        _ = EventFrames.Executed("p", "9", "9", new JsonObject { ["text"] = new JsonArray(new string('y', 100_000)) });
        _ = EventFrames.Status(0, null);
        Assert.Equal(copy, first);
        Assert.Equal("1", (string?)Payload(first, 2)["data"]?["node"]);
    }

    [Fact]
    public void A_framed_event_keeps_its_payload_apart_from_its_header()
    {
        var frame = OutboundFrame.Event(EventFrames.Status(0, null));
        Assert.True(frame.Framed);
        Assert.Equal((byte)'{', frame.Payload.Span[0]);
        Assert.Equal(frame.Data.Length - 2, frame.Payload.Length);
    }
}
