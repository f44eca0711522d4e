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

    internal sealed class RecordingStream : WriteRecorderStream
    {
        public List<byte[]> Writes { get; } = [];

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Writes.Add(buffer.ToArray());
            return ValueTask.CompletedTask;
        }
    }
}
