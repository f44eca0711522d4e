using ComfySharp.Server.Sessions;

namespace ComfySharp.Server.Tests.Sessions;

public sealed class CoalescingStreamTests
{
    [Fact]
    public async Task Uncorked_writes_pass_straight_through()
    {
        var inner = new RecordingStream();
        await using var stream = new CoalescingStream(inner);
        await stream.WriteAsync(new byte[] { 1, 2 }, TestContext.Current.CancellationToken);
        await stream.WriteAsync(new byte[] { 3 }, TestContext.Current.CancellationToken);
        Assert.Equal([[1, 2], [3]], inner.Writes);
    }

    [Fact]
    public async Task Corked_writes_leave_as_one_write_in_order_when_uncorked()
    {
        var ct = TestContext.Current.CancellationToken;
        var inner = new RecordingStream();
        await using var stream = new CoalescingStream(inner);
        stream.Cork();
        await stream.WriteAsync(new byte[] { 1, 2 }, ct);
        await stream.WriteAsync(new byte[] { 3 }, ct);
        await stream.FlushAsync(ct);
        Assert.Empty(inner.Writes);
        await stream.UncorkAsync(ct);
        Assert.Equal([[1, 2, 3]], inner.Writes);
        await stream.UncorkAsync(ct);
        Assert.Single(inner.Writes);
    }

    [Fact]
    public async Task A_large_burst_is_sent_in_pieces_without_losing_or_reordering_bytes()
    {
        var ct = TestContext.Current.CancellationToken;
        var inner = new RecordingStream();
        await using var stream = new CoalescingStream(inner);
        stream.Cork();
        var expected = new List<byte>();
        for (var i = 0; i < 300; i++)
        {
            var chunk = Enumerable.Repeat((byte)i, 1000).ToArray();
            expected.AddRange(chunk);
            await stream.WriteAsync(chunk, ct);
        }
        await stream.UncorkAsync(ct);
        Assert.True(inner.Writes.Count is > 1 and < 10, $"{inner.Writes.Count} writes");
        Assert.Equal(expected, inner.Writes.SelectMany(w => w));
    }

    private sealed class RecordingStream : Stream
    {
        public List<byte[]> Writes { get; } = [];

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Writes.Add(buffer.ToArray());
            return ValueTask.CompletedTask;
        }

        public override void Write(byte[] buffer, int offset, int count) => Writes.Add(buffer.AsSpan(offset, count).ToArray());
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => 0;
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => 0;
        public override long Position { get; set; }
    }
}
