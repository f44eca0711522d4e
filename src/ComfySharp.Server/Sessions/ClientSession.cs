using System.Net.WebSockets;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace ComfySharp.Server.Sessions;

/// <summary>
/// One WebSocket client: its sid, the feature flags it announced, and a bounded outbox drained by one writer loop.
/// The engine posts and moves on; a client that cannot keep up loses previews first and is then disconnected.
/// A session exists before its socket (<see cref="Attach"/>): it is registered before the handshake completes, so that no event
/// of a prompt the client queues right after connecting can miss it.
/// </summary>
internal sealed class ClientSession
{
    private readonly Channel<OutboundFrame> _outbox;
    private readonly int _capacity;
    private CoalescingStream? _connection;
    private WebSocket? _socket;
    private int _closeRequested;
    // Frames queued and not yet sent. Reading the channel's own Count takes its lock, which contended with the writer.
    private int _depth;

    public ClientSession(string sid, int capacity)
    {
        Sid = sid;
        _capacity = capacity;
        _outbox = Channel.CreateBounded<OutboundFrame>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            AllowSynchronousContinuations = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
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

    /// <summary>Never waits. Previews and progress are dropped while the outbox is half full; anything else that does not fit closes the session.</summary>
    /// <summary>The accepted socket (and the coalescing stream under it); frames posted before wait in the outbox.</summary>
    public void Attach(WebSocket socket, CoalescingStream? connection = null)
    {
        _connection = connection;
        Volatile.Write(ref _socket, socket);
    }

    public void Post(OutboundFrame frame)
    {
        if (frame.Sheddable && Volatile.Read(ref _depth) >= _capacity / 2) return;
        if (_outbox.Writer.TryWrite(frame))
        {
            Interlocked.Increment(ref _depth);
            return;
        }
        if (frame.Sheddable) return;
        RequestClose((WebSocketCloseStatus)1013, "client too slow: outbox full");
    }

    public void RequestClose(WebSocketCloseStatus status, string reason)
    {
        if (Interlocked.Exchange(ref _closeRequested, 1) == 1) return;
        CloseStatus = status;
        CloseReason = reason;
        _outbox.Writer.TryComplete();
        // The writer sends the close frame; a peer that never answers it is cut off.
        _ = AbortLaterAsync();
    }

    private async Task AbortLaterAsync()
    {
        await Task.Delay(CloseTimeout).ConfigureAwait(false);
        if (Volatile.Read(ref _socket) is { State: not WebSocketState.Closed } socket) socket.Abort();
    }

    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The writer loop: the only code that sends on the socket; it ends with the close frame.</summary>
    public async Task RunWriterAsync(CancellationToken ct)
    {
        try
        {
            var reader = _outbox.Reader;
            while (await reader.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                // Everything queued so far goes out in one write.
                _connection?.Cork();
                try
                {
                    while (reader.TryRead(out var frame))
                    {
                        Interlocked.Decrement(ref _depth);
                        if (frame.Framed && _connection is not null)
                        {
                            // Header included: straight into the corked buffer, past the WebSocket's send path (its lock,
                            // a cancellation registration and a copy per frame). The stream's gate keeps the socket's own
                            // control frames whole, and only this loop sends data frames, so none is ever fragmented.
                            await _connection.WriteAsync(frame.Data, ct).ConfigureAwait(false);
                        }
                        else
                        {
                            await Socket.SendAsync(frame.Payload, frame.IsText ? WebSocketMessageType.Text : WebSocketMessageType.Binary,
                                WebSocketMessageFlags.EndOfMessage, ct).ConfigureAwait(false);
                        }
                    }
                }
                finally
                {
                    if (_connection is not null) await _connection.UncorkAsync(ct).ConfigureAwait(false);
                }
            }
            if (Socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await Socket.CloseOutputAsync(CloseStatus, CloseReason, ct).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException)
        {
            // The socket went away or the server stops; the receive loop ends the session.
        }
    }

    public void Complete() => _outbox.Writer.TryComplete();
}
