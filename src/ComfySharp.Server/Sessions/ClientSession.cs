using System.Net.WebSockets;
using System.Text.Json.Nodes;

namespace ComfySharp.Server.Sessions;

/// <summary>
/// One WebSocket client: its sid, the feature flags it announced, and a bounded outbox. The engine posts and moves on; a client
/// that cannot keep up loses previews first and is then disconnected.
/// A session exists before its socket (<see cref="Attach"/>): it is registered before the handshake completes, so that no event
/// of a prompt the client queues right after connecting can miss it.
/// </summary>
/// <remarks>
/// Nobody waits for a socket: whoever queues a frame into an idle outbox becomes the outbox's drain and writes everything queued,
/// in order, as one write; frames queued meanwhile go out with the drain's next write. A targeted event schedules its drain on
/// the thread pool (<see cref="Post"/>); a broadcast queues its frame in every outbox and then drains all of them from one work
/// item (<see cref="SessionHub"/>) instead of waking one writer per socket. A write the connection cannot take at once (the
/// client stopped reading) continues on its own while the others go on.
/// </remarks>
internal sealed class ClientSession : IThreadPoolWorkItem
{
    private readonly Lock _lock = new();
    private readonly int _capacity;
    private readonly TaskCompletionSource _writerDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private List<OutboundFrame> _queued = []; // guarded by _lock
    private List<OutboundFrame> _writing = []; // the drain's batch; only the drain touches it
    private bool _draining; // guarded by _lock: a drain owns the connection and looks at _queued again before it stops
    private bool _writable; // guarded by _lock: the writer started (frames posted before wait)
    private bool _completed; // guarded by _lock: nothing more is queued; the drain ends with the close frame
    private CancellationToken _writerToken;
    private CoalescingStream? _connection;
    private WebSocket? _socket;
    private int _closeRequested;

    public ClientSession(string sid, int capacity)
    {
        Sid = sid;
        _capacity = capacity;
    }

    public string Sid { get; }
    public WebSocket Socket => _socket ?? throw new InvalidOperationException("The session has no socket yet.");
    public JsonObject FeatureFlags { get; set; } = [];
    public bool FeatureFlagsReceived { get; set; }
    /// <summary>protocol.md §3.2: only an exact JSON <c>true</c> counts.</summary>
    public bool SupportsPreviewMetadata => FeatureFlags["supports_preview_metadata"] is JsonValue v && v.TryGetValue<bool>(out var b) && b;
    /// <summary>The session was replaced or fell too far behind; its writer is sending the close frame.</summary>
    public bool IsClosing => Volatile.Read(ref _closeRequested) == 1;
    public WebSocketCloseStatus CloseStatus { get; private set; } = WebSocketCloseStatus.NormalClosure;
    public string CloseReason { get; private set; } = "";

    /// <summary>The accepted socket (and the coalescing stream under it); frames posted before wait in the outbox.</summary>
    public void Attach(WebSocket socket, CoalescingStream? connection = null)
    {
        _connection = connection;
        Volatile.Write(ref _socket, socket);
    }

    /// <summary>Never waits: queues the frame and, if the outbox was idle, schedules its drain on the thread pool.</summary>
    public void Post(OutboundFrame frame)
    {
        if (Enqueue(frame)) ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    /// <summary>
    /// Never waits: queues the frame. True when the outbox was idle: the caller then owns its drain and must start it
    /// (<see cref="Drain"/>) soon. Previews and progress are dropped while the outbox is half full; a queue status equal to the
    /// one still waiting last is dropped; anything else that does not fit closes the session.
    /// </summary>
    public bool Enqueue(OutboundFrame frame)
    {
        lock (_lock)
        {
            if (_completed) return false;
            var depth = _queued.Count;
            if (frame.Sheddable && depth >= _capacity / 2) return false;
            if (frame.IsQueueStatus && depth > 0 && _queued[depth - 1] is { IsQueueStatus: true } last &&
                last.Data.Span.SequenceEqual(frame.Data.Span))
            {
                // The same status is still waiting, last: the client learns nothing from a second copy.
                return false;
            }
            if (depth < _capacity)
            {
                _queued.Add(frame);
                return TakeDrain();
            }
        }
        RequestClose((WebSocketCloseStatus)1013, "client too slow: outbox full");
        return false;
    }

    public void RequestClose(WebSocketCloseStatus status, string reason)
    {
        if (Interlocked.Exchange(ref _closeRequested, 1) == 1) return;
        CloseStatus = status;
        CloseReason = reason;
        Complete();
        // The writer sends the close frame; a peer that never answers it is cut off.
        _ = AbortLaterAsync();
    }

    private async Task AbortLaterAsync()
    {
        await Task.Delay(CloseTimeout).ConfigureAwait(false);
        if (Volatile.Read(ref _socket) is { State: not WebSocketState.Closed } socket) socket.Abort();
    }

    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Lets the outbox drain to the attached socket. The task completes after the close frame (<see cref="Complete"/>,
    /// <see cref="RequestClose"/>) or when the socket went away.
    /// </summary>
    public Task StartWriter(CancellationToken ct)
    {
        _writerToken = ct;
        bool drain;
        lock (_lock)
        {
            _writable = true;
            drain = (_queued.Count > 0 || _completed) && TakeDrain();
        }
        if (drain) ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        return _writerDone.Task;
    }

    /// <summary>No more frames: what is queued still goes out, then the close frame.</summary>
    public void Complete()
    {
        bool drain;
        lock (_lock)
        {
            if (_completed) return;
            _completed = true;
            drain = TakeDrain();
        }
        if (drain) ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    /// <summary>Runs a drain the caller owns (<see cref="Enqueue"/> returned true); returns once it finished or went asynchronous.</summary>
    public void Drain() => _ = DrainAsync();

    void IThreadPoolWorkItem.Execute() => Drain();

    /// <summary>Under <see cref="_lock"/>: whether the caller becomes the drain.</summary>
    private bool TakeDrain()
    {
        if (_draining || !_writable) return false;
        _draining = true;
        return true;
    }

    /// <summary>The only code that writes frames to the socket; it ends with the close frame. Owns the drain while it runs.</summary>
    private async Task DrainAsync()
    {
        try
        {
            while (true)
            {
                lock (_lock)
                {
                    if (_queued.Count == 0)
                    {
                        if (!_completed)
                        {
                            _draining = false;
                            return;
                        }
                        // The drain is kept for good: nothing is written after the close frame.
                        break;
                    }
                    (_queued, _writing) = (_writing, _queued);
                }
                await WriteAsync(_writing).ConfigureAwait(false);
                _writing.Clear();
            }
            if (Socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await Socket.CloseOutputAsync(CloseStatus, CloseReason, _writerToken).ConfigureAwait(false);
            }
            _writerDone.TrySetResult();
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException)
        {
            // The socket went away or the server stops; the receive loop ends the session. Nothing more is queued.
            Abandon();
            _writerDone.TrySetResult();
        }
        catch (Exception ex)
        {
            Abandon();
            _writerDone.TrySetException(ex);
        }
    }

    private void Abandon()
    {
        lock (_lock)
        {
            _completed = true;
            _queued.Clear();
        }
        _writing.Clear();
    }

    private async ValueTask WriteAsync(List<OutboundFrame> frames)
    {
        if (_connection is not null)
        {
            // Headers included: straight into the connection, past the WebSocket's send path (its lock, a cancellation
            // registration and a copy per frame). The stream's gate keeps the socket's own control frames whole, and only the
            // drain sends data frames, so none is ever fragmented.
            await _connection.WriteFramesAsync(frames, _writerToken).ConfigureAwait(false);
            return;
        }
        foreach (var frame in frames)
        {
            await Socket.SendAsync(frame.Payload, frame.IsText ? WebSocketMessageType.Text : WebSocketMessageType.Binary,
                WebSocketMessageFlags.EndOfMessage, _writerToken).ConfigureAwait(false);
        }
    }
}
