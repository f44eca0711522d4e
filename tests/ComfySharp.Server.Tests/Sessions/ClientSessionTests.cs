using System.Net.WebSockets;
using ComfySharp.Engine.Execution;
using ComfySharp.Protocol.Frames;
using ComfySharp.Server.Sessions;

namespace ComfySharp.Server.Tests.Sessions;

public sealed class ClientSessionTests
{
    private static ClientSession Stalled(int capacity)
    {
        var session = new ClientSession("stalled", capacity);
        session.Attach(WebSocket.CreateFromStream(new MemoryStream(), new WebSocketCreationOptions { IsServer = true }));
        return session;
    }

    [Fact]
    public void Previews_are_dropped_once_the_outbox_is_half_full_and_events_still_fit()
    {
        var session = Stalled(8);
        for (var i = 0; i < 4; i++) session.Post(new OutboundFrame(new byte[1], true, false));
        session.Post(new OutboundFrame(new byte[1], false, true));
        Assert.False(session.IsClosing);
        for (var i = 0; i < 4; i++) session.Post(new OutboundFrame(new byte[1], true, false));
        Assert.False(session.IsClosing);
    }

    [Fact]
    public void A_client_that_cannot_keep_up_is_closed_instead_of_blocking_the_engine()
    {
        var session = Stalled(4);
        for (var i = 0; i < 4; i++) session.Post(new OutboundFrame(new byte[1], true, false));
        Assert.False(session.IsClosing);
        session.Post(new OutboundFrame(new byte[1], true, false));
        Assert.True(session.IsClosing);
        Assert.Equal((WebSocketCloseStatus)1013, session.CloseStatus);
    }

    [Fact]
    public void Frames_posted_before_the_socket_is_attached_wait_in_the_outbox()
    {
        var session = new ClientSession("early", 4);
        session.Post(new OutboundFrame(new byte[1], true, false));
        session.Post(new OutboundFrame(new byte[1], true, false));
        Assert.False(session.IsClosing);
        Assert.Throws<InvalidOperationException>(() => session.Socket);
    }

    private static (ClientSession Session, TestConnection Connection) Connected(string sid, int capacity, bool stalled = false)
    {
        var connection = new TestConnection(stalled);
        var stream = new CoalescingStream(connection);
        var session = new ClientSession(sid, capacity);
        session.Attach(WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true }), stream);
        return (session, connection);
    }

    [Fact]
    public async Task Frames_posted_before_the_writer_starts_go_out_first_in_one_write_then_the_close_frame()
    {
        var ct = TestContext.Current.CancellationToken;
        var (session, connection) = Connected("early", 8);
        byte[][] frames = [EventFrames.Status(0, "early"), EventFrames.Status(1, null), EventFrames.Status(2, null)];
        foreach (var frame in frames) session.Post(OutboundFrame.Event(frame));
        var writer = session.StartWriter(ct);
        session.Complete();
        await writer;
        Assert.Equal([.. frames[0], .. frames[1], .. frames[2]], connection.Writes[0]);
        Assert.Equal(0x88, connection.Writes[^1][0]); // FIN, close
        session.Post(OutboundFrame.Event(frames[0]));
        Assert.Equal(2, connection.Writes.Count);
    }

    [Fact]
    public async Task A_stalled_client_does_not_hold_up_a_broadcast_and_is_closed_once_its_outbox_is_full()
    {
        var ct = TestContext.Current.CancellationToken;
        var hub = new SessionHub();
        var (stalled, _) = Connected("stalled", 4, stalled: true);
        var (live, connection) = Connected("live", 4);
        hub.Add(stalled);
        hub.Add(live);
        _ = stalled.StartWriter(ct);
        var liveWriter = live.StartWriter(ct);
        var expected = new List<byte>();
        var scope = new ExecutionScope("p", null);
        for (var i = 0; i < 8; i++)
        {
            // Progress text goes to every socket and is neither dropped nor replaced while it waits.
            var text = "step " + i;
            hub.ProgressText(scope, "1", text);
            var payload = BinaryFrames.Text("1", text);
            expected.AddRange([0x82, (byte)payload.Length, .. payload]);
            // The live client reads each broadcast before the next, so its outbox never fills.
            await connection.WaitForBytesAsync(expected.Count, ct);
        }
        Assert.True(stalled.IsClosing);
        Assert.Equal((WebSocketCloseStatus)1013, stalled.CloseStatus);
        Assert.False(live.IsClosing);
        live.Complete();
        await liveWriter;
        Assert.Equal(expected, connection.Writes.SelectMany(w => w).Take(expected.Count));
    }

    [Fact]
    public async Task Broadcasts_to_many_sockets_arrive_whole_and_in_order_on_every_socket()
    {
        // 300 sockets: each broadcast is split over several work items. One socket has stalled.
        var ct = TestContext.Current.CancellationToken;
        var hub = new SessionHub();
        var (stalled, _) = Connected("stalled", 64, stalled: true);
        hub.Add(stalled);
        _ = stalled.StartWriter(ct);
        var connections = new List<TestConnection>();
        for (var i = 0; i < 300; i++)
        {
            var (session, connection) = Connected("live-" + i, 64);
            hub.Add(session);
            _ = session.StartWriter(ct);
            connections.Add(connection);
        }
        var scope = new ExecutionScope("p", null);
        var expected = new List<byte>();
        var frames = new List<byte[]>();
        for (var b = 0; b < 5; b++)
        {
            var text = "broadcast " + b;
            hub.ProgressText(scope, "1", text);
            var payload = BinaryFrames.Text("1", text);
            byte[] frame = [0x82, (byte)payload.Length, .. payload];
            frames.Add(frame);
            expected.AddRange(frame);
        }
        foreach (var connection in connections) await connection.WaitForBytesAsync(expected.Count, ct);
        foreach (var connection in connections) Assert.Equal(expected, connection.Writes.SelectMany(w => w));

        // Across sockets the order is not fixed: a socket whose write is under way when the next broadcast comes sends it
        // right after, from its own drain, while the earlier fan-out still goes on elsewhere (FanOutQueue).
        Assert.DoesNotContain(connections, c => c.Writes.Count == 0);
    }

    [Fact]
    public async Task A_queue_status_equal_to_the_one_waiting_last_is_dropped_and_every_other_frame_stays()
    {
        var ct = TestContext.Current.CancellationToken;
        var (session, connection) = Connected("repeat", 16);
        var greeting = EventFrames.Status(1, "repeat");
        var start = EventFrames.PromptEvent("execution_start", "p", 1);
        var done = EventFrames.Executing(null, null, "p");
        byte[] Status(int n) => EventFrames.Status(n, null);
        session.Post(OutboundFrame.Event(greeting));
        session.Post(OutboundFrame.QueueStatus(Status(1))); // after the greeting (another frame): kept
        session.Post(OutboundFrame.QueueStatus(Status(1))); // a repeat: dropped
        session.Post(OutboundFrame.Event(start));
        session.Post(OutboundFrame.QueueStatus(Status(1))); // behind execution_start: kept
        session.Post(OutboundFrame.QueueStatus(Status(0))); // another count: kept
        session.Post(OutboundFrame.QueueStatus(Status(1))); // raised late with an older count: kept, so is the next 0
        session.Post(OutboundFrame.QueueStatus(Status(0)));
        session.Post(OutboundFrame.Event(done));
        var writer = session.StartWriter(ct);
        session.Complete();
        await writer;
        Assert.Equal([.. greeting, .. Status(1), .. start, .. Status(1), .. Status(0), .. Status(1), .. Status(0), .. done], connection.Writes[0]);
    }

    /// <summary>
    /// A connection that records writes, or, stalled, takes none (a client that stopped reading).
    /// </summary>
    private sealed class TestConnection(bool stalled) : WriteRecorderStream
    {
        private readonly Lock _lock = new();
        private readonly List<byte[]> _writes = [];
        private TaskCompletionSource _written = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _bytes;

        public List<byte[]> Writes
        {
            get
            {
                lock (_lock) return [.. _writes];
            }
        }

        public async Task WaitForBytesAsync(int count, CancellationToken ct)
        {
            while (true)
            {
                Task written;
                lock (_lock)
                {
                    if (_bytes >= count) return;
                    written = _written.Task;
                }
                await written.WaitAsync(ct);
            }
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (stalled) await Task.Delay(Timeout.Infinite, cancellationToken);
            TaskCompletionSource written;
            lock (_lock)
            {
                _writes.Add(buffer.ToArray());
                _bytes += buffer.Length;
                written = _written;
                _written = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            written.TrySetResult();
        }
    }
}
