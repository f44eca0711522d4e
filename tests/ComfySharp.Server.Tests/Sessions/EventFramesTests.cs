using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;
using ComfySharp.Engine.Execution;
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

    public static TheoryData<string> Ids() =>
    [
        "7", "c123", "12:5", "9f0e1c52-1d3c-4f59-9a6a-7d1c50c3b1a1", "a b", "say \"hi\"", "back\\slash", "<tag>&'+`", "caf\u00e9",
        "\U0001F600", "tab\there", "\u007f", new string('n', 300), new string('\u00e9', 40_000),
    ];

    // The frames written without the JSON writer must be the writer's bytes: compared with the writer's serialization as it
    // was before, for ids that need escaping or not, non-ASCII, long ids (other header lengths) and numbers of every kind.
    [Theory]
    [MemberData(nameof(Ids))]
    public void Executing_is_what_the_writer_writes(string id)
    {
        Assert.Equal(Reference("executing", w =>
        {
            w.WriteString("node", id);
            w.WriteString("display_node", "d" + id);
            w.WriteString("prompt_id", "p" + id);
        }), EventFrames.Executing(id, "d" + id, "p" + id));
        Assert.Equal(Reference("executing", w =>
        {
            w.WriteNull("node");
            w.WriteString("prompt_id", id);
        }), EventFrames.Executing(null, null, id));
        Assert.Equal(Reference("executing", w => w.WriteString("node", id)), EventFrames.Executing(id, null, null));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Progress_state_is_what_the_writer_writes(string id)
    {
        NodeProgress[] nodes =
        [
            new(id, id, null, id) { Value = 0, Max = 1 },
            new("x" + id, "d", id, "r") { Value = 1, Max = 1, Finished = true },
            new("y", "y", "p", "y") { Value = 5, Max = 20 },
        ];
        for (var count = 1; count <= nodes.Length; count++)
        {
            var some = nodes[..count];
            Assert.Equal(ProgressStateReference(id, some), EventFrames.ProgressState(id, some));
            Assert.Equal(ProgressStateReference("9f0e", some), EventFrames.ProgressState("9f0e", some));
        }
    }

    // A deferred event (written by the connection's writer when it is sent) has the bytes the frame made at once would have.
    [Theory]
    [MemberData(nameof(Ids))]
    public void A_deferred_event_is_the_frame_made_at_once(string id)
    {
        Assert.Equal(EventFrames.Executing(id, "d" + id, "p" + id), EventFrames.Frame(LaterEvent.Executing(id, "d" + id, "p" + id).Json()));
        NodeProgress[] nodes = [new(id, id, null, id) { Value = 0, Max = 1 }, new("y", "y", id, "y") { Value = 5, Max = 20 }];
        Assert.Equal(EventFrames.ProgressState(id, nodes), EventFrames.Frame(LaterEvent.ProgressState(id, nodes).Json()));
        Assert.Equal(EventFrames.ProgressState("p", nodes[..1]), EventFrames.Frame(LaterEvent.ProgressState("p", nodes[..1]).Json()));
    }

    [Fact]
    public void A_deferred_progress_state_shows_the_nodes_as_they_were_when_it_was_raised()
    {
        var node = new NodeProgress("3", "3", null, "3") { Value = 0, Max = 1 };
        List<NodeProgress> running = [node];
        var expected = EventFrames.ProgressState("p", running);
        var later = LaterEvent.ProgressState("p", running);
        node.Value = 1;
        node.Finished = true;
        running.Add(new NodeProgress("4", "4", null, "4"));
        Assert.Equal(expected, EventFrames.Frame(later.Json()));
        Assert.Equal(EventFrames.Frame(later.Json()), EventFrames.Frame(later.Json()));
    }

    [Fact]
    public void A_deferred_frame_given_to_a_stream_without_a_writer_of_its_own_is_serialized_there()
    {
        var frame = OutboundFrame.Later(LaterEvent.Executing("5", "5", "p"), sheddable: true);
        Assert.NotNull(frame.Deferred);
        Assert.True(frame.IsText);
        Assert.True(frame.Sheddable);
        Assert.False(frame.Framed);
        var whole = EventFrames.Executing("5", "5", "p");
        Assert.Equal(whole.AsSpan(WebSocketHeader.Length(whole)).ToArray(), frame.Payload.ToArray());
    }

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(-0.0, 7.0)]
    [InlineData(0.5, 2.0)]
    [InlineData(3.0, 1e15)]
    [InlineData(-4.0, 1e16)]
    [InlineData(1e20, 123456789012.0)]
    [InlineData(1.0 / 3, double.MaxValue)]
    [InlineData(double.Epsilon, -1e-300)]
    public void Progress_state_numbers_are_what_the_writer_writes(double value, double max)
    {
        NodeProgress[] nodes = [new("3", "3", null, "3") { Value = value, Max = max }];
        Assert.Equal(ProgressStateReference("p", nodes), EventFrames.ProgressState("p", nodes));
    }

    private static byte[] ProgressStateReference(string promptId, IReadOnlyList<NodeProgress> nodes) => Reference("progress_state", w =>
    {
        w.WriteString("prompt_id", promptId);
        w.WriteStartObject("nodes");
        foreach (var n in nodes)
        {
            w.WriteStartObject(n.NodeId);
            w.WriteNumber("value", n.Value);
            w.WriteNumber("max", n.Max);
            w.WriteString("state", n.Finished ? "finished" : "running");
            w.WriteString("node_id", n.NodeId);
            w.WriteString("prompt_id", promptId);
            w.WriteString("display_node_id", n.DisplayNodeId);
            if (n.ParentNodeId is null) w.WriteNull("parent_node_id");
            else w.WriteString("parent_node_id", n.ParentNodeId);
            w.WriteString("real_node_id", n.RealNodeId);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    });

    /// <summary>An event as the hub serialized it with the JSON writer alone: <c>{"type", "data"}</c> behind its frame header.</summary>
    private static byte[] Reference(string type, Action<Utf8JsonWriter> data)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
        {
            w.WriteStartObject();
            w.WriteString("type", type);
            w.WriteStartObject("data");
            data(w);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        var json = buffer.WrittenSpan;
        var frame = new byte[WebSocketHeader.LengthFor(json.Length) + json.Length];
        WebSocketHeader.WriteText(frame, json.Length);
        json.CopyTo(frame.AsSpan(frame.Length - json.Length));
        return frame;
    }
}
