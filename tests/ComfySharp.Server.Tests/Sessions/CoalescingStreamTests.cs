using System.Net;
using System.Net.Sockets;
using ComfySharp.Engine.Execution;
using ComfySharp.Server.Sessions;

namespace ComfySharp.Server.Tests.Sessions;

public sealed class CoalescingStreamTests
{
    [Fact]
    public async Task Control_frame_writes_pass_straight_through()
    {
        var inner = new RecordingStream();
        await using var stream = new CoalescingStream(inner);
        await stream.WriteAsync(new byte[] { 1, 2 }, TestContext.Current.CancellationToken);
        await stream.WriteAsync(new byte[] { 3 }, TestContext.Current.CancellationToken);
        Assert.Equal([[1, 2], [3]], inner.Writes);
    }

    [Fact]
    public async Task A_single_framed_frame_is_written_as_it_is()
    {
        var inner = new RecordingStream();
        await using var stream = new CoalescingStream(inner);
        var frame = EventFrames.Status(1, null);
        await stream.WriteFramesAsync([OutboundFrame.Event(frame)], TestContext.Current.CancellationToken);
        Assert.Equal([frame], inner.Writes);
    }

    [Fact]
    public async Task Queued_frames_leave_as_one_write_in_order_with_headers_for_those_without()
    {
        var inner = new RecordingStream();
        await using var stream = new CoalescingStream(inner);
        var status = EventFrames.Status(1, null);
        await stream.WriteFramesAsync(
            [OutboundFrame.Event(status), new OutboundFrame(new byte[] { 7, 8, 9 }, false, true), new OutboundFrame("{}"u8.ToArray(), true, false)],
            TestContext.Current.CancellationToken);
        var write = Assert.Single(inner.Writes);
        Assert.Equal([.. status, 0x82, 3, 7, 8, 9, 0x81, 2, (byte)'{', (byte)'}'], write);
    }

    [Fact]
    public async Task Deferred_events_are_written_in_their_place_among_the_other_frames()
    {
        var inner = new RecordingStream();
        await using var stream = new CoalescingStream(inner);
        var status = EventFrames.Status(1, null);
        NodeProgress[] running = [new("2", "2", null, "2") { Value = 0, Max = 1 }];
        await stream.WriteFramesAsync(
            [
                OutboundFrame.Later(LaterEvent.ProgressState("p", running), sheddable: true),
                OutboundFrame.Event(status),
                OutboundFrame.Later(LaterEvent.Executing("2", "2", "p")),
                new OutboundFrame(new byte[] { 7 }, false, true),
            ],
            TestContext.Current.CancellationToken);
        var write = Assert.Single(inner.Writes);
        Assert.Equal([.. EventFrames.ProgressState("p", running), .. status, .. EventFrames.Executing("2", "2", "p"), 0x82, 1, 7], write);
    }

    [Fact]
    public async Task A_deferred_event_too_large_for_the_buffer_follows_what_was_buffered_whole()
    {
        var inner = new RecordingStream();
        await using var stream = new CoalescingStream(inner);
        var id = new string('n', 100_000);
        var status = EventFrames.Status(1, null);
        await stream.WriteFramesAsync(
            [OutboundFrame.Event(status), new OutboundFrame("{}"u8.ToArray(), true, false), OutboundFrame.Later(LaterEvent.Executing(id, id, "p")),
                OutboundFrame.Later(LaterEvent.Executing("3", "3", "p"))],
            TestContext.Current.CancellationToken);
        var large = EventFrames.Executing(id, id, "p");
        Assert.Equal(3, inner.Writes.Count);
        Assert.Equal([.. status, 0x81, 2, (byte)'{', (byte)'}'], inner.Writes[0]);
        Assert.Equal(large, inner.Writes[1]);
        Assert.Equal(EventFrames.Executing("3", "3", "p"), inner.Writes[2]);
    }

    [Fact]
    public async Task A_large_burst_is_sent_in_pieces_without_losing_or_reordering_bytes()
    {
        var inner = new RecordingStream();
        await using var stream = new CoalescingStream(inner);
        var frames = new List<OutboundFrame>();
        var expected = new List<byte>();
        for (var i = 0; i < 300; i++)
        {
            var chunk = Enumerable.Repeat((byte)i, 1000).ToArray();
            frames.Add(new OutboundFrame(chunk, false, false));
            expected.AddRange([0x82, 126, 1000 >> 8, 1000 & 0xFF]);
            expected.AddRange(chunk);
        }
        var preview = Enumerable.Repeat((byte)1, 100_000).ToArray();
        frames.Add(new OutboundFrame(preview, false, true));
        expected.AddRange([0x82, 127, 0, 0, 0, 0, 0, 1, 100_000 >> 8 & 0xFF, 100_000 & 0xFF]);
        expected.AddRange(preview);
        await stream.WriteFramesAsync(frames, TestContext.Current.CancellationToken);
        Assert.True(inner.Writes.Count is > 2 and < 12, $"{inner.Writes.Count} writes");
        Assert.Equal(expected, inner.Writes.SelectMany(w => w));
    }

    [Fact]
    public async Task Given_the_socket_writes_go_to_it_in_order_and_reads_still_come_from_the_stream()
    {
        var ct = TestContext.Current.CancellationToken;
        var (server, client) = await SocketPairAsync(ct);
        using var _ = server;
        using var __ = client;
        var inner = new RecordingStream(readable: [5, 6]);
        await using var stream = new CoalescingStream(inner, server);
        var status = EventFrames.Status(1, null);
        await stream.WriteFramesAsync([OutboundFrame.Event(status)], ct);
        await stream.WriteFramesAsync([OutboundFrame.Event(status), new OutboundFrame("{}"u8.ToArray(), true, false)], ct);
        await stream.WriteAsync(new byte[] { 0x8A, 0 }, ct); // a pong, as the WebSocket writes it
        byte[] expected = [.. status, .. status, 0x81, 2, (byte)'{', (byte)'}', 0x8A, 0];
        var received = new byte[expected.Length];
        await using (var network = new NetworkStream(client, ownsSocket: false)) await network.ReadExactlyAsync(received, ct);
        Assert.Equal(expected, received);
        Assert.Empty(inner.Writes);
        var read = new byte[2];
        Assert.Equal(2, await stream.ReadAsync(read, ct));
        Assert.Equal([5, 6], read);
    }

    [Fact]
    public async Task A_send_the_socket_cannot_take_ends_when_the_stream_is_disposed()
    {
        // A client that stops reading: the kernel buffers fill and the send waits. Disposing the stream (the WebSocket does
        // when it is aborted) must end that wait, or the session's writer and its connection would live on.
        var ct = TestContext.Current.CancellationToken;
        var (server, client) = await SocketPairAsync(ct, smallBuffers: true);
        using var _ = server;
        using var __ = client;
        var stream = new CoalescingStream(new RecordingStream(), server);
        var large = new OutboundFrame(new byte[8 * 1024 * 1024], false, false);
        var sending = stream.WriteFramesAsync([large], ct).AsTask();
        Assert.False(sending.IsCompleted);
        await stream.DisposeAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending.WaitAsync(TimeSpan.FromSeconds(60), ct));
    }

    private static async Task<(Socket Server, Socket Client)> SocketPairAsync(CancellationToken ct, bool smallBuffers = false)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        if (smallBuffers) client.ReceiveBufferSize = 4096;
        await client.ConnectAsync(listener.LocalEndPoint!, ct);
        var server = await listener.AcceptAsync(ct);
        if (smallBuffers) server.SendBufferSize = 4096;
        return (server, client);
    }

    internal sealed class RecordingStream(byte[]? readable = null) : WriteRecorderStream
    {
        private int _read;

        public List<byte[]> Writes { get; } = [];

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var rest = (readable ?? []).AsSpan(_read);
            var n = Math.Min(rest.Length, buffer.Length);
            rest[..n].CopyTo(buffer.Span);
            _read += n;
            return ValueTask.FromResult(n);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Writes.Add(buffer.ToArray());
            return ValueTask.CompletedTask;
        }
    }
}
