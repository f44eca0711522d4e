using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace ComfySharp.LoadGen;

/// <summary>
/// The broadcast scenario's listening sockets on Linux: non-blocking, watched by one epoll set, read by one dedicated thread
/// that takes each socket's time right after its own receive and parses its frames in place. The async sockets this replaces
/// cost a pool-thread hand-off, a task continuation and the runtime's own epoll bookkeeping per socket and message, which on
/// a 2-core machine was CPU taken from the server while it broadcast.
/// </summary>
/// <remarks>
/// The sockets are connected and greeted with blocking calls (on <c>--connect-concurrency</c> threads) and only then made
/// non-blocking, so the runtime's own epoll never learns of them (an async call would register each there for good, and its
/// thread would wake for every message too).
/// <para>
/// On 64-bit Linux the kernel stamps each socket's data with the time it arrived (<c>SO_TIMESTAMPNS</c>), and every receive
/// returns the stamp of the newest bytes it read: when the status reached the client, however late this thread got to it.
/// The stamp can only be late, never early (bytes that arrive later and are read in the same receive carry their own, later
/// stamp). With arrival stamped by the kernel the thread need not read at once, so it sleeps a few milliseconds after each
/// batch (<c>--read-pause-ms</c>): on 2 shared cores a reader that wakes for every few sockets takes CPU from the server
/// while it broadcasts, and each wake-up is a scheduler call in the server's send. The time a socket's status was read is
/// still reported; it then includes the pauses.
/// </para>
/// </remarks>
[SupportedOSPlatform("linux")]
internal sealed unsafe class EpollBroadcastListeners : IBroadcastListeners
{
    private const int BufferSize = 4096; // per socket; a status frame is ~100 bytes, and a larger message grows its buffer
    private const int MaxEvents = 256;
    private const int WaitMs = 50; // how soon the loop sees Dispose; an idle wake-up 20 times a second costs nothing measurable
    // The kernel's arrival stamps, read with recvmsg's control data as laid out on 64-bit Linux.
    private static readonly bool Stamped = Environment.Is64BitProcess;

    private readonly RawWebSocket?[] _sockets;
    private readonly int[] _fds; // the sockets' descriptors, for recv
    private readonly int[] _arrivedIn; // per socket, the last round it arrived in
    private readonly int[] _drainedIn;
    private readonly int _epoll;
    private readonly int _pauseMs;
    private Thread? _loop;
    private BroadcastRound? _round;
    private Exception? _lost; // the first socket lost, with its index
    private int _lostIndex = -1;
    private volatile bool _stopping;

    private EpollBroadcastListeners(int count, int pauseMs)
    {
        _pauseMs = pauseMs;
        _sockets = new RawWebSocket?[count];
        _fds = new int[count];
        _arrivedIn = new int[count];
        _drainedIn = new int[count];
        _arrivedIn.AsSpan().Fill(-1);
        _drainedIn.AsSpan().Fill(-1);
        _epoll = Epoll.Create();
    }

    public int Connected { get; private set; }

    public Exception? ConnectError { get; private set; }

    /// <summary>Connects <paramref name="count"/> sockets, each greeted with its first <c>status</c>; stops at the first failure (<see cref="ConnectError"/>).</summary>
    /// <param name="pauseMs">How long the reading thread sleeps after each batch of ready sockets (see the class remarks).</param>
    public static EpollBroadcastListeners Connect(Uri url, int count, int concurrency, int pauseMs, CancellationToken ct)
    {
        var listeners = new EpollBroadcastListeners(count, pauseMs);
        try
        {
            listeners.ConnectAll(url, concurrency, ct);
            if (listeners.ConnectError is null) listeners.Start();
            return listeners;
        }
        catch
        {
            listeners.Dispose();
            throw;
        }
    }

    public void Arm(BroadcastRound round)
    {
        // A full fence between publishing the round and reading _lost, as Lose has between writing _lost and reading the round.
        Interlocked.Exchange(ref _round, round);
        if (Volatile.Read(ref _lost) is { } lost) round.Lost(Volatile.Read(ref _lostIndex), lost);
    }

    public void Dispose()
    {
        _stopping = true;
        _loop?.Join();
        foreach (var socket in _sockets)
        {
            if (socket is null) continue;
            socket.SendClose();
            socket.Dispose();
        }
        Epoll.Close(_epoll);
    }

    private void ConnectAll(Uri url, int concurrency, CancellationToken ct)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var next = -1;
        var greeted = 0;
        Exception? error = null;

        void ConnectLoop()
        {
            int i;
            while (Volatile.Read(ref error) is null && (i = Interlocked.Increment(ref next)) < _sockets.Length)
            {
                try
                {
                    var clientId = string.Create(CultureInfo.InvariantCulture, $"loadgen-bcast-{run}-{i}");
                    var socket = RawWebSocket.Connect(url, clientId, BufferSize, ct);
                    _sockets[i] = socket;
                    // Wait for the greeting status, so no greeting can be mistaken for a round's status.
                    BlockingSockets.Bounded(socket.Socket, () => AwaitGreeting(socket),
                        $"No status greeting from {url.Authority} within {BlockingSockets.ConnectTimeout.TotalSeconds:0} s.", ct);
                    Interlocked.Increment(ref greeted);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    Interlocked.CompareExchange(ref error, new IOException($"socket {i}: {ex.Message}", ex), null);
                }
            }
        }

        var threads = new Thread[Math.Min(concurrency, _sockets.Length)];
        for (var t = 0; t < threads.Length; t++)
        {
            threads[t] = new Thread(ConnectLoop, 256 * 1024) { IsBackground = true, Name = "loadgen connect " + t.ToString(CultureInfo.InvariantCulture) };
            threads[t].Start();
        }
        foreach (var thread in threads) thread.Join();
        ct.ThrowIfCancellationRequested();
        ConnectError = error;
        Connected = greeted;
    }

    private static void AwaitGreeting(RawWebSocket socket)
    {
        while (true)
        {
            var message = socket.Receive() ?? throw new IOException("the server closed it before its greeting");
            if (message.IsText && IsStatus(message.Data.Span, out _)) return;
        }
    }

    private void Start()
    {
        for (var i = 0; i < _sockets.Length; i++)
        {
            var socket = _sockets[i]!;
            // Frames that came with the greeting are read now, before any round is armed, as the async listener would have.
            while (socket.TryNextMessage(out _))
            {
            }
            socket.Socket.Blocking = false;
            _fds[i] = (int)socket.Socket.Handle;
            if (Stamped) Epoll.StampArrivals(_fds[i]);
            Epoll.Add(_epoll, _fds[i], Epoll.In, i);
        }
        _loop = new Thread(Loop, 256 * 1024) { IsBackground = true, Name = "loadgen epoll" };
        _loop.Start();
    }

    private void Loop()
    {
        var events = stackalloc byte[MaxEvents * Epoll.EventSize];
        while (!_stopping)
        {
            var ready = Epoll.Wait(_epoll, events, MaxEvents, WaitMs);
            if (ready < 0)
            {
                if (Epoll.LastError == Epoll.EIntr) continue;
                LoseAll(new IOException("epoll_wait failed: " + Marshal.GetPInvokeErrorMessage(Epoll.LastError)));
                return;
            }
            for (var e = 0; e < ready; e++) Receive(Epoll.DataAt(events, e));
            if (ready > 0 && _pauseMs > 0) Thread.Sleep(_pauseMs);
        }
    }

    // One receive per readiness: the set is level-triggered, so bytes left in the socket bring the socket back at the next wait.
    private void Receive(int index)
    {
        var socket = _sockets[index];
        if (socket is null) return;
        long arrivedUnixNs = 0;
        var read = Stamped ? Epoll.ReceiveStamped(_fds[index], socket.ReceiveRoom(), out arrivedUnixNs) : Epoll.Receive(_fds[index], socket.ReceiveRoom());
        var receivedAt = Stopwatch.GetTimestamp();
        if (read < 0)
        {
            var errno = Epoll.LastError;
            if (errno is Epoll.EAgain or Epoll.EIntr) return;
            Lose(index, new IOException(Marshal.GetPInvokeErrorMessage(errno)));
            return;
        }
        if (read == 0)
        {
            Lose(index, new IOException("the server closed it"));
            return;
        }
        socket.Received((int)read, receivedAt);
        try
        {
            while (socket.TryNextMessage(out var message)) Handle(index, message, arrivedUnixNs);
            if (socket.IsClosed) Lose(index, new IOException("the server closed it"));
        }
        catch (IOException ex)
        {
            Lose(index, ex);
        }
    }

    private void Handle(int index, SocketMessage message, long arrivedUnixNs)
    {
        // Binary frames and every other event (a busy server may broadcast progress or previews) are skipped.
        if (!message.IsText || !IsStatus(message.Data.Span, out var queueRemaining)) return;
        if (Volatile.Read(ref _round) is not { } round) return;
        if (_arrivedIn[index] != round.Number)
        {
            _arrivedIn[index] = round.Number;
            round.Arrived(index, message.ReceivedAt, arrivedUnixNs);
        }
        if (queueRemaining == 0 && _drainedIn[index] != round.Number)
        {
            _drainedIn[index] = round.Number;
            round.Drained();
        }
    }

    /// <summary>A <c>status</c> event and its <c>queue_remaining</c> (-1 if it has none), read without a JSON reader when it has the usual shape.</summary>
    private static bool IsStatus(ReadOnlySpan<byte> json, out int queueRemaining)
    {
        queueRemaining = -1;
        if (json.IndexOf("\"status\""u8) < 0) return false;
        if (EventScan.TryReadType(json, out var type))
        {
            if (!type.SequenceEqual("status"u8)) return false;
            if (EventScan.TryFindInt(json, "\"queue_remaining\""u8, out queueRemaining)) return true;
        }
        var e = ComfyEvent.Parse(json);
        queueRemaining = e.QueueRemaining;
        return e.IsStatus;
    }

    private void Lose(int index, Exception reason)
    {
        Epoll.Remove(_epoll, _fds[index]); // level-triggered: a closed socket would come back forever
        if (Interlocked.CompareExchange(ref _lost, reason, null) is null) Volatile.Write(ref _lostIndex, index);
        Volatile.Read(ref _round)?.Lost(index, reason);
    }

    private void LoseAll(Exception reason)
    {
        Interlocked.CompareExchange(ref _lost, reason, null);
        Volatile.Read(ref _round)?.Lost(-1, reason);
    }
}
