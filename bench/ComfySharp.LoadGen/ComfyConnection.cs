using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text.Json;
using ComfySharp.Protocol.Frames;

namespace ComfySharp.LoadGen;

/// <summary>
/// <c>POST /prompt</c> over a pool of <see cref="RawHttpConnection"/>s (an <see cref="HttpClient"/> for https URLs) and one
/// WebSocket listening as <see cref="ClientId"/>, which every posted prompt carries as <c>client_id</c>. A prompt is done when
/// the listener sees <c>executing {node: null}</c> for it.
/// </summary>
internal sealed class ComfyConnection : IAsyncDisposable
{
    private static readonly MediaTypeHeaderValue JsonType = new("application/json");

    private readonly HttpClient? _https;
    private readonly ConcurrentQueue<RawHttpConnection> _idle = new(); // not in use: a poster takes one (or opens one) and puts it back
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<long>> _done = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _outcomes = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private Task _reader = Task.CompletedTask;
    private Exception? _ended;
    private long _textFrames;
    private long _binaryFrames;
    private long _unreadableBinaryFrames;

    private ComfyConnection(Uri url, int connections)
    {
        Url = url;
        if (url.Scheme != "https") return;
        _https = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            UseProxy = false, // the targets are loopback servers; an environment proxy must not sit in between
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            ConnectTimeout = TimeSpan.FromSeconds(10),
        })
        {
            BaseAddress = new Uri(url.AbsoluteUri.TrimEnd('/') + "/"),
            Timeout = Timeout.InfiniteTimeSpan, // bounded by the scenario's --timeout token instead
        };
    }

    public Uri Url { get; }

    public string ClientId { get; } = "loadgen-" + Guid.NewGuid().ToString("N");

    public long TextFrames => Interlocked.Read(ref _textFrames);

    public long BinaryFrames => Interlocked.Read(ref _binaryFrames);

    /// <summary>Binary frames <see cref="BinaryFrameReader"/> could not read: unknown types or malformed. Counted, never fatal.</summary>
    public long UnreadableBinaryFrames => Interlocked.Read(ref _unreadableBinaryFrames);

    /// <param name="connections">HTTPS connections to allow; one per concurrent poster is enough.</param>
    public static async Task<ComfyConnection> OpenAsync(Uri url, int connections, CancellationToken ct)
    {
        var connection = new ComfyConnection(url, connections);
        try
        {
            connection._socket.Options.Proxy = null;
            connection._socket.Options.KeepAliveInterval = TimeSpan.Zero;
            await connection._socket.ConnectAsync(SocketUrl(url, connection.ClientId), ct);
            connection._reader = Task.Run(() => connection.ListenAsync(connection._stop.Token), CancellationToken.None);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary><c>ws(s)://host/ws?clientId=…</c> for a server base URL.</summary>
    public static Uri SocketUrl(Uri url, string clientId) =>
        new UriBuilder(url) { Scheme = url.Scheme == "https" ? "wss" : "ws", Path = url.AbsolutePath.TrimEnd('/') + "/ws", Query = "clientId=" + Uri.EscapeDataString(clientId) }.Uri;

    /// <summary>Completes with the <see cref="Stopwatch"/> timestamp at which the prompt's <c>executing {node: null}</c> arrived.</summary>
    public Task<long> WhenDone(string promptId) => Completion(promptId).Task;

    /// <summary>How the prompt ended: <c>execution_success</c>, <c>execution_error</c>, <c>execution_interrupted</c>, or <c>unknown</c>.</summary>
    public string Outcome(string promptId) => _outcomes.GetValueOrDefault(promptId, "unknown");

    public async ValueTask<PostResult> PostAsync(byte[] body, CancellationToken ct)
    {
        if (_https is not null) return await PostHttpsAsync(_https, body, ct);
        if (!_idle.TryDequeue(out var http)) http = new RawHttpConnection(Url);
        try
        {
            var result = await http.PostPromptAsync(body, ct);
            _idle.Enqueue(http);
            return result;
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            http.Dispose(); // broken: the next post takes another connection or opens a new one
            return new PostResult(null, 0, ex.Message);
        }
        catch
        {
            http.Dispose(); // cancelled in the middle of a request
            throw;
        }
    }

    private static async Task<PostResult> PostHttpsAsync(HttpClient https, byte[] body, CancellationToken ct)
    {
        try
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = JsonType;
            using var response = await https.PostAsync("prompt", content, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            if (response.StatusCode != HttpStatusCode.OK) return new PostResult(null, (int)response.StatusCode, text);
            using var document = JsonDocument.Parse(text);
            return document.RootElement.TryGetProperty("prompt_id", out var id) && id.ValueKind == JsonValueKind.String
                ? new PostResult(id.GetString(), 200, null)
                : new PostResult(null, 200, "no prompt_id in " + text);
        }
        catch (HttpRequestException ex)
        {
            return new PostResult(null, 0, ex.Message);
        }
        catch (JsonException ex)
        {
            return new PostResult(null, 200, "unreadable answer: " + ex.Message);
        }
    }

    // Both sides get-or-add the same source, so a completion that arrives before the poster asks is never lost.
    private TaskCompletionSource<long> Completion(string promptId)
    {
        var completion = _done.GetOrAdd(promptId, static _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (Volatile.Read(ref _ended) is { } ended) completion.TrySetException(ended);
        return completion;
    }

    private async Task ListenAsync(CancellationToken ct)
    {
        var reader = new MessageReader(_socket);
        Exception ended;
        try
        {
            while (true)
            {
                var (type, data) = await reader.ReceiveAsync(ct);
                if (type == WebSocketMessageType.Close) break;
                var now = Stopwatch.GetTimestamp();
                if (type == WebSocketMessageType.Binary)
                {
                    // Previews and progress text: read, counted, otherwise ignored.
                    Interlocked.Increment(ref _binaryFrames);
                    if (!BinaryFrameReader.TryRead(data.Span, out _)) Interlocked.Increment(ref _unreadableBinaryFrames);
                    continue;
                }
                Interlocked.Increment(ref _textFrames);
                // Only executing and execution_* matter here; skip parsing status, progress and unknown events.
                if (data.Span.IndexOf("\"execut"u8) < 0) continue;
                var e = ComfyEvent.Parse(data.Span);
                if (e.PromptId is null) continue;
                if (e.IsPromptDone) Completion(e.PromptId).TrySetResult(now);
                else if (e.Type is "execution_success" or "execution_error" or "execution_interrupted") _outcomes[e.PromptId] = e.Type;
            }
            ended = new IOException("The server closed the WebSocket.");
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            ended = new ObjectDisposedException(nameof(ComfyConnection));
        }
        catch (Exception ex)
        {
            ended = new IOException("The WebSocket failed: " + ex.Message, ex);
        }
        Volatile.Write(ref _ended, ended);
        foreach (var completion in _done.Values) completion.TrySetException(ended);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var closing = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", closing.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
        }
        try
        {
            await _reader.WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (TimeoutException)
        {
        }
        await _stop.CancelAsync();
        await _reader;
        _socket.Dispose();
        _https?.Dispose();
        while (_idle.TryDequeue(out var http)) http.Dispose();
        _stop.Dispose();
    }
}
