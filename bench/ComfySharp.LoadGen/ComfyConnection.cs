using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using ComfySharp.Protocol.Frames;

namespace ComfySharp.LoadGen;

/// <summary>
/// One WebSocket listening as <see cref="ClientId"/>, which every posted prompt carries as <c>client_id</c>, and posters of
/// <c>POST /prompt</c> (<see cref="NewPoster"/>: a <see cref="RawHttpConnection"/> each, or the shared HttpClient for https).
/// A prompt is done when the socket brings <c>executing {node: null}</c> for it.
/// </summary>
/// <remarks>
/// Nothing here hands work between threads on the way to a measurement. Sequential scenarios post and then read the socket
/// on the same thread until their prompt is done (<see cref="WaitDone"/>), so the time of arrival is taken right after the
/// receive that brought it. Concurrent posting (<see cref="StartListening"/>) gives the socket a dedicated thread that
/// blocks in receive and records every completion in <see cref="Completions"/>.
/// </remarks>
internal sealed class ComfyConnection : IDisposable
{
    // One receive takes everything that has come, up to this; a busy run's listener then wakes once for many events.
    private const int ListenBuffer = 64 * 1024;

    private readonly HttpClient? _https;
    private readonly IMessageSocket _socket;
    private readonly CancellationToken _ct;
    private readonly CancellationTokenRegistration _cancel;
    private Thread? _listener;
    private long _textFrames; // the frame counts are written only by the one thread that reads the socket
    private long _binaryFrames;
    private long _unreadableBinaryFrames;

    private ComfyConnection(Uri url, string clientId, int connections, CancellationToken ct)
    {
        Url = url;
        ClientId = clientId;
        _ct = ct;
        if (url.Scheme == "https")
        {
            _https = new HttpClient(new SocketsHttpHandler
            {
                MaxConnectionsPerServer = connections,
                UseProxy = false, // the targets are loopback servers; an environment proxy must not sit in between
                PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
                ConnectTimeout = BlockingSockets.ConnectTimeout,
            })
            {
                BaseAddress = new Uri(url.AbsoluteUri.TrimEnd('/') + "/"),
                Timeout = Timeout.InfiniteTimeSpan, // bounded by the scenario's --timeout token instead
            };
        }
        try
        {
            _socket = _https is null
                ? RawWebSocket.Connect(url, clientId, ListenBuffer, ct)
                : ClientMessageSocket.Connect(url, clientId, ct);
        }
        catch
        {
            _https?.Dispose();
            throw;
        }
        // A blocking receive has no token: cancellation closes the socket, which ends the receive.
        _cancel = ct.UnsafeRegister(static state => ((ComfyConnection)state!)._socket.Dispose(), this);
    }

    public Uri Url { get; }

    public string ClientId { get; }

    /// <summary>Completions seen so far (by <see cref="WaitDone"/> on the caller's thread, or by the listener thread).</summary>
    public Completions Completions { get; } = new();

    public long TextFrames => Volatile.Read(ref _textFrames);

    public long BinaryFrames => Volatile.Read(ref _binaryFrames);

    /// <summary>Binary frames <see cref="BinaryFrameReader"/> could not read: unknown types or malformed. Counted, never fatal.</summary>
    public long UnreadableBinaryFrames => Volatile.Read(ref _unreadableBinaryFrames);

    /// <param name="connections">HTTPS connections to allow; one per concurrent poster is enough.</param>
    /// <param name="ct">Bounds every blocking call of the connection and its posters: cancelling closes their sockets.</param>
    public static ComfyConnection Open(Uri url, int connections, CancellationToken ct) =>
        new(url, "loadgen-" + Guid.NewGuid().ToString("N"), connections, ct);

    /// <summary><c>ws(s)://host/ws?clientId=…</c> for a server base URL.</summary>
    public static Uri SocketUrl(Uri url, string clientId) =>
        new UriBuilder(url) { Scheme = url.Scheme == "https" ? "wss" : "ws", Path = url.AbsolutePath.TrimEnd('/') + "/ws", Query = "clientId=" + Uri.EscapeDataString(clientId) }.Uri;

    /// <summary>
    /// A poster for one thread at a time, with a connection of its own (opened at its first post); cancelling
    /// <paramref name="ct"/> (the scenario's token, or one linked to it) ends a post blocked on it.
    /// </summary>
    public IPromptPoster NewPoster(CancellationToken ct) => _https is null ? new RawHttpConnection(Url, ct) : new HttpsPoster(_https, ct);

    /// <summary>
    /// Reads the socket on this thread until <paramref name="promptId"/>'s <c>executing {node: null}</c> has come; the
    /// <see cref="System.Diagnostics.Stopwatch"/> time taken right after the receive that brought it. Not while a listener thread reads.
    /// </summary>
    /// <exception cref="IOException">The socket failed or the server closed it.</exception>
    /// <exception cref="OperationCanceledException">The connection's token was cancelled.</exception>
    public long WaitDone(string promptId)
    {
        if (_listener is not null) throw new InvalidOperationException("The listener thread reads the socket.");
        if (Completions.Ended is { } ended) throw new IOException(ended.Message, ended);
        long doneAt;
        while (!Completions.TryGetDone(promptId, out doneAt))
        {
            try
            {
                Dispatch(ReceiveOne());
            }
            catch (IOException ex)
            {
                Completions.End(ex);
                throw;
            }
        }
        return doneAt;
    }

    /// <summary>From now on a dedicated thread reads the socket and records every completion in <see cref="Completions"/>.</summary>
    public void StartListening()
    {
        if (_listener is not null) return;
        _listener = new Thread(Listen, 256 * 1024) { IsBackground = true, Name = "loadgen listener" };
        _listener.Start();
    }

    public void Dispose()
    {
        // Close handshake: the server answers the close frame, and the reader (the listener, if any) sees the end.
        _socket.SendClose();
        if (_listener is not null && !_listener.Join(TimeSpan.FromSeconds(2))) _socket.Dispose();
        _listener?.Join();
        _cancel.Dispose();
        _socket.Dispose();
        _https?.Dispose();
        Completions.Dispose();
    }

    private void Listen()
    {
        try
        {
            while (true) Dispatch(ReceiveOne());
        }
        catch (Exception ex)
        {
            Completions.End(ex);
        }
    }

    /// <exception cref="IOException">The socket failed, or the server closed it (also after our close frame).</exception>
    private SocketMessage ReceiveOne()
    {
        SocketMessage? message;
        try
        {
            message = _socket.Receive();
        }
        catch (Exception ex) when (_ct.IsCancellationRequested)
        {
            throw new OperationCanceledException("Cancelled while listening.", ex, _ct);
        }
        catch (Exception ex) when (ex is SocketException or WebSocketException or ObjectDisposedException)
        {
            throw new IOException("The WebSocket failed: " + ex.Message, ex);
        }
        catch (IOException ex)
        {
            throw new IOException("The WebSocket failed: " + ex.Message, ex);
        }
        return message ?? throw new IOException("The server closed the WebSocket.");
    }

    private void Dispatch(SocketMessage message)
    {
        var json = message.Data.Span;
        if (!message.IsText)
        {
            // Previews and progress text: read, counted, otherwise ignored.
            _binaryFrames++;
            if (!BinaryFrameReader.TryRead(json, out _)) _unreadableBinaryFrames++;
            return;
        }
        _textFrames++;
        // Only executing {node: null} and the execution_* outcomes matter. The common events are read without a JSON
        // reader; anything in another shape (the type not first, escapes) goes through ComfyEvent.Parse below.
        if (EventScan.TryReadType(json, out var type))
        {
            if (type.SequenceEqual("executing"u8))
            {
                if (EventScan.TryFindIsNull(json, "\"node\""u8, out var isNull))
                {
                    if (!isNull) return; // a node starts: most events of a long chain
                    if (EventScan.TryFindString(json, "\"prompt_id\""u8, out var id))
                    {
                        Completions.Done(Encoding.UTF8.GetString(id), message.ReceivedAt);
                        return;
                    }
                }
            }
            else if (type.SequenceEqual("execution_success"u8))
            {
                if (EventScan.TryFindString(json, "\"prompt_id\""u8, out var id))
                {
                    Completions.SetOutcome(Encoding.UTF8.GetString(id), "execution_success");
                    return;
                }
            }
            else if (!type.SequenceEqual("execution_error"u8) && !type.SequenceEqual("execution_interrupted"u8))
            {
                return; // status, progress, executed, execution_start/cached, …
            }
        }
        else if (json.IndexOf("\"execut"u8) < 0)
        {
            return;
        }
        var e = ComfyEvent.Parse(json);
        if (e.PromptId is null) return;
        if (e.IsPromptDone) Completions.Done(e.PromptId, message.ReceivedAt);
        else if (e.Type is "execution_success" or "execution_error" or "execution_interrupted") Completions.SetOutcome(e.PromptId, e.Type);
    }
}
