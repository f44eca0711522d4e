using System.Threading.Channels;
using ComfySharp.Client.Events;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ComfySharp.Client;

/// <summary>
/// A client for any ComfyUI-compatible server (ComfyUI itself or ComfySharp), following the wire contract only: HTTP calls,
/// the WebSocket's typed events (reconnected with backoff, same client id), and <see cref="RunAsync(Workflows.Workflow, RunOptions?, CancellationToken)"/>
/// which queues a prompt and returns its result even if the socket dropped meanwhile. Thread-safe; one instance per client id.
/// </summary>
/// <remarks>
/// The <see cref="HttpClient"/> may come from the caller (or <c>IHttpClientFactory</c>); it is then not disposed here.
/// HTTP calls do not need the WebSocket; events and <c>RunAsync</c> connect it on first use.
/// </remarks>
public sealed partial class ComfyClient : IAsyncDisposable, IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly Uri _base;
    private readonly ComfyClientOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _disposing = new();
    private readonly Lock _gate = new();
    private readonly List<Channel<ComfyEvent>> _readers = [];
    private readonly Dictionary<string, List<IObserver<ComfyEvent>>> _observers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PromptWaiter> _waiters = new(StringComparer.Ordinal);
    private int _disposed;

    /// <summary>Creates a client for <paramref name="baseAddress"/> with its own HttpClient.</summary>
    public ComfyClient(Uri baseAddress) : this(new ComfyClientOptions { BaseAddress = baseAddress })
    {
    }

    /// <summary>Creates a client with its own HttpClient; <see cref="ComfyClientOptions.BaseAddress"/> is required.</summary>
    public ComfyClient(ComfyClientOptions options) : this(new HttpClient(), options, ownsHttpClient: true)
    {
    }

    /// <summary>Creates a client on the caller's HttpClient (not disposed by the client), e.g. from <c>IHttpClientFactory</c>.</summary>
    public ComfyClient(HttpClient httpClient, ComfyClientOptions options) : this(httpClient, options, ownsHttpClient: false)
    {
    }

    private ComfyClient(HttpClient httpClient, ComfyClientOptions options, bool ownsHttpClient)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrEmpty(options.ClientId)) throw new ArgumentException("ClientId must not be empty.", nameof(options));
        var baseAddress = options.BaseAddress ?? httpClient.BaseAddress
            ?? throw new ArgumentException("Set ComfyClientOptions.BaseAddress or the HttpClient's BaseAddress.", nameof(options));
        if (!baseAddress.IsAbsoluteUri || baseAddress.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"The server address must be an absolute http or https URL, not '{baseAddress}'.", nameof(options));
        }
        _base = baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/");
        _http = httpClient;
        _ownsHttp = ownsHttpClient;
        _options = options;
        _logger = options.LoggerFactory?.CreateLogger<ComfyClient>() ?? NullLogger<ComfyClient>.Instance;
    }

    /// <summary>The server's base address.</summary>
    public Uri BaseAddress => _base;

    /// <summary>The client id used on the socket and with prompts.</summary>
    public string ClientId => _options.ClientId;

    /// <summary>The session id from the server's last <c>status</c> greeting (equal to <see cref="ClientId"/> on compatible servers).</summary>
    public string? Sid { get; private set; }

    /// <summary>The server's feature flags from its <c>feature_flags</c> reply, once received.</summary>
    public System.Text.Json.Nodes.JsonObject? ServerFeatureFlags { get; private set; }

    /// <summary>Raised on every connection state change (on the socket's loop: return quickly).</summary>
    public event EventHandler<ConnectionStateChangedEventArgs>? ConnectionStateChanged;

    /// <summary>
    /// Every event from the socket, from now on, until <paramref name="cancellationToken"/> fires or the client is disposed.
    /// Each call is an independent reader with its own buffer (<see cref="ComfyClientOptions.EventBufferCapacity"/>). Connects the socket if needed.
    /// </summary>
    public async IAsyncEnumerable<ComfyEvent> ReadEventsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var channel = Channel.CreateBounded<ComfyEvent>(
            new BoundedChannelOptions(Math.Max(1, _options.EventBufferCapacity)) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest },
            dropped => Log.EventDropped(_logger, dropped.Type));
        lock (_gate) _readers.Add(channel);
        try
        {
            await ConnectAsync(cancellationToken).ConfigureAwait(false);
            while (await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var e)) yield return e;
            }
        }
        finally
        {
            lock (_gate) _readers.Remove(channel);
        }
    }

    /// <summary>
    /// Calls <paramref name="observer"/> with every event of <paramref name="promptId"/> (including legacy previews and progress
    /// text while it runs), then <see cref="IObserver{T}.OnCompleted"/> when it is done. Dispose the result to stop.
    /// </summary>
    public IDisposable ObservePrompt(string promptId, IObserver<ComfyEvent> observer)
    {
        ArgumentException.ThrowIfNullOrEmpty(promptId);
        ArgumentNullException.ThrowIfNull(observer);
        lock (_gate)
        {
            if (!_observers.TryGetValue(promptId, out var list)) _observers[promptId] = list = [];
            list.Add(observer);
        }
        return new Unsubscriber(this, promptId, observer);
    }

    /// <summary>
    /// The events of <paramref name="promptId"/> as an async stream that ends when the prompt is done (also when it finished while
    /// the socket was down: the client looks it up after reconnecting). Subscribes at once, so call it before queuing the prompt
    /// with this id (<see cref="QueueOptions.PromptId"/>); dispose the result to stop early.
    /// </summary>
    /// <example>
    /// <code>
    /// var id = Guid.NewGuid().ToString();
    /// using var events = client.WatchPrompt(id);
    /// await client.QueuePromptAsync(workflow, new QueueOptions { PromptId = id });
    /// await foreach (var e in events) Console.WriteLine(e.Type);
    /// </code>
    /// </example>
    public PromptEvents WatchPrompt(string promptId)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var events = new PromptEvents(promptId);
        events.Attach(ObservePrompt(promptId, events.Observer));
        return events;
    }

    private void RemoveObserver(string promptId, IObserver<ComfyEvent> observer)
    {
        lock (_gate)
        {
            if (_observers.TryGetValue(promptId, out var list) && list.Remove(observer) && list.Count == 0) _observers.Remove(promptId);
        }
    }

    /// <summary>Closes the socket, completes event readers and fails prompts still awaited.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        // A polite close first; the loop sees the server's close and, as the client is disposed, does not reconnect.
        await CloseSocketAsync().ConfigureAwait(false);
        await _disposing.CancelAsync().ConfigureAwait(false);
        Task? loop;
        lock (_gate) loop = _loop;
        if (loop is not null)
        {
            try
            {
                await loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
        Shutdown();
    }

    /// <summary>Disposes without waiting for a polite close of the socket.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _disposing.Cancel();
        lock (_gate) _socket?.Abort();
        Shutdown();
    }

    private void Shutdown()
    {
        IObserver<ComfyEvent>[] observers;
        lock (_gate)
        {
            foreach (var reader in _readers) reader.Writer.TryComplete();
            observers = [.. _observers.Values.SelectMany(list => list)];
            _observers.Clear();
            foreach (var waiter in _waiters.Values) waiter.Fail(new ObjectDisposedException(nameof(ComfyClient)));
            _socket?.Dispose();
        }
        // Prompts still observed will not be seen to finish: observers learn it through OnError.
        foreach (var observer in observers)
        {
            try
            {
                observer.OnError(new ObjectDisposedException(nameof(ComfyClient)));
            }
            catch (Exception ex)
            {
                Log.ObserverFailed(_logger, ex);
            }
        }
        SetState(ConnectionState.Disconnected, 0, TimeSpan.Zero, null);
        if (_ownsHttp) _http.Dispose();
        // _disposing is cancelled, not disposed: after a synchronous Dispose the socket loop may still read its token on its way out.
    }

    private sealed class Unsubscriber(ComfyClient client, string promptId, IObserver<ComfyEvent> observer) : IDisposable
    {
        public void Dispose() => client.RemoveObserver(promptId, observer);
    }
}
