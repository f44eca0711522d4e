using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using ComfySharp.Client.Events;
using ComfySharp.Protocol.Frames;

namespace ComfySharp.Client;

public sealed partial class ComfyClient
{
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private ClientWebSocket? _socket;
    private Task? _loop;
    private ConnectionState _state;
    private TaskCompletionSource _connected = NewSignal();
    private string? _runningPromptId;
    private int _generation; // connections opened so far
    private bool? _repliesToFeatureFlags;

    /// <summary>The WebSocket's current state.</summary>
    public ConnectionState State
    {
        get
        {
            lock (_gate) return _state;
        }
    }

    /// <summary>
    /// Opens the WebSocket (<c>/ws?clientId=…</c>), announces the feature flags and waits for the server's <c>status</c> greeting.
    /// Returns at once when already connected; while reconnecting, waits for it (or fails per <see cref="ComfyClientOptions.WhenDisconnected"/>).
    /// </summary>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        Task connected;
        lock (_gate)
        {
            if (_state == ConnectionState.Connected) return;
            connected = _connected.Task;
        }
        if (_loop is not null)
        {
            await WaitConnectedAsync(connected, cancellationToken).ConfigureAwait(false);
            return;
        }
        await _connectLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_loop is not null)
            {
                await WaitConnectedAsync(connected, cancellationToken).ConfigureAwait(false);
                return;
            }
            SetState(ConnectionState.Connecting, 0, TimeSpan.Zero, null);
            ClientWebSocket socket;
            try
            {
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposing.Token);
                socket = await OpenAsync(linked.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or HttpRequestException or IOException)
            {
                SetState(ConnectionState.Disconnected, 0, TimeSpan.Zero, ex);
                throw new ComfyConnectionException($"Cannot open the WebSocket of {_base}: {ex.Message}", ex);
            }
            lock (_gate) _loop = Task.Run(() => ReceiveLoopAsync(socket), CancellationToken.None);
        }
        finally
        {
            _connectLock.Release();
        }
    }

    private async Task WaitConnectedAsync(Task connected, CancellationToken ct)
    {
        if (_options.WhenDisconnected == DisconnectedBehavior.FailFast && !connected.IsCompleted)
        {
            throw new ComfyConnectionException($"The WebSocket of {_base} is reconnecting (state {State}).");
        }
        await connected.WaitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Connects, sends <c>feature_flags</c> first (protocol.md §3.2) and reads up to the <c>status</c> greeting and, from a server
    /// that has feature flags, its <c>feature_flags</c> reply: only then has it taken this client's flags (preview metadata)
    /// into account, so no event of a prompt queued next can miss them.
    /// </summary>
    private async Task<ClientWebSocket> OpenAsync(CancellationToken ct)
    {
        var socket = new ClientWebSocket();
        try
        {
            // Reconnect attempts may meet a server that accepts TCP but never answers; bounded on the same clock as the backoff.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30), _options.TimeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
            var awaitReply = await RepliesToFeatureFlagsAsync(linked.Token).ConfigureAwait(false);
            await socket.ConnectAsync(WebSocketUri(), linked.Token).ConfigureAwait(false);
            var flags = new JsonObject { ["supports_preview_metadata"] = _options.SupportsPreviewMetadata };
            if (_options.FeatureFlags is not null)
            {
                foreach (var (key, value) in _options.FeatureFlags) flags[key] = value;
            }
            var hello = Encoding.UTF8.GetBytes(new JsonObject { ["type"] = "feature_flags", ["data"] = flags }.ToJsonString());
            await socket.SendAsync(hello, WebSocketMessageType.Text, true, linked.Token).ConfigureAwait(false);
            var buffer = new ArrayBufferWriter<byte>(16 * 1024);
            var greeted = false;
            var replied = !awaitReply;
            while (true)
            {
                var type = await ReceiveMessageAsync(socket, buffer, linked.Token).ConfigureAwait(false)
                    ?? throw new WebSocketException("The server closed the socket before greeting.");
                var e = Decode(type, buffer.WrittenSpan);
                if (e is null) continue;
                if (e is StatusEvent { Sid: { } sid } && !greeted)
                {
                    Sid = sid;
                    greeted = true;
                }
                replied |= e is FeatureFlagsEvent;
                if (greeted && replied)
                {
                    lock (_gate) _socket = socket;
                    Interlocked.Increment(ref _generation);
                    SetState(ConnectionState.Connected, 0, TimeSpan.Zero, null);
                    Log.Connected(_logger, _base, ClientId);
                    Dispatch(e);
                    return socket;
                }
                Dispatch(e);
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Whether the server answers a client's <c>feature_flags</c> message: servers with feature flags serve <c>GET /features</c>
    /// (protocol.md §2.14); older ones answer neither. Asked once; an unreachable server counts as not answering this time.
    /// </summary>
    private async Task<bool> RepliesToFeatureFlagsAsync(CancellationToken ct)
    {
        if (_repliesToFeatureFlags is { } known) return known;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, Path("features"));
            using var response = await SendAsync(request, ct).ConfigureAwait(false);
            var replies = response.IsSuccessStatusCode && TryParse(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false)) is JsonObject;
            _repliesToFeatureFlags = replies;
            return replies;
        }
        catch (ComfyConnectionException)
        {
            return false;
        }
    }

    private Uri WebSocketUri()
    {
        var builder = new UriBuilder(new Uri(_base, "ws"))
        {
            Scheme = _base.Scheme == "https" ? "wss" : "ws",
            Query = "clientId=" + Uri.EscapeDataString(ClientId),
        };
        return builder.Uri;
    }

    private async Task ReceiveLoopAsync(ClientWebSocket socket)
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        while (true)
        {
            Exception? error = null;
            try
            {
                while (await ReceiveMessageAsync(socket, buffer, _disposing.Token).ConfigureAwait(false) is { } type)
                {
                    if (Decode(type, buffer.WrittenSpan) is { } e) Dispatch(e);
                }
            }
            catch (OperationCanceledException) when (_disposing.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or InvalidOperationException)
            {
                error = ex;
            }
            if (Volatile.Read(ref _disposed) != 0) return;
            OnConnectionLost(socket, error);
            var next = await ReconnectAsync(error).ConfigureAwait(false);
            if (next is null) return;
            socket = next;
            _ = ReconcileAsync();
        }
    }

    /// <summary>Reads one whole message into <paramref name="buffer"/>; null when the server closed the socket.</summary>
    private static async Task<WebSocketMessageType?> ReceiveMessageAsync(ClientWebSocket socket, ArrayBufferWriter<byte> buffer, CancellationToken ct)
    {
        buffer.ResetWrittenCount();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.GetMemory(16 * 1024), ct).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            buffer.Advance(result.Count);
            if (result.EndOfMessage) return result.MessageType;
        }
    }

    private ComfyEvent? Decode(WebSocketMessageType type, ReadOnlySpan<byte> data)
    {
        if (type == WebSocketMessageType.Text)
        {
            var e = EventParser.Parse(data);
            if (e is null) Log.BadFrame(_logger, data.Length);
            return e;
        }
        if (!BinaryFrameReader.TryRead(data, out var frame))
        {
            Log.BadFrame(_logger, data.Length);
            return null;
        }
        string? running;
        lock (_gate) running = _runningPromptId;
        return frame.Type == BinaryEventType.Text
            ? new ProgressTextEvent(frame.NodeId ?? "", frame.Text ?? "", running)
            : new PreviewImageEvent(frame.Format, frame.Image.ToArray(), frame.Metadata, frame.Metadata is null ? running : null);
    }

    private void Dispatch(ComfyEvent e)
    {
        IObserver<ComfyEvent>[]? observers = null;
        lock (_gate)
        {
            switch (e)
            {
                case ExecutionStartEvent start:
                    _runningPromptId = start.Id;
                    break;
                case ExecutingEvent { Node: not null, Id: { } id }:
                    _runningPromptId = id;
                    break;
                case ExecutingEvent { IsPromptDone: true } done when _runningPromptId == done.Id:
                    _runningPromptId = null;
                    break;
                case FeatureFlagsEvent flags:
                    ServerFeatureFlags = flags.Flags;
                    break;
            }
            foreach (var reader in _readers) reader.Writer.TryWrite(e);
            if (e.PromptId is { } promptId)
            {
                if (_observers.TryGetValue(promptId, out var list)) observers = [.. list];
            }
        }
        if (observers is not null)
        {
            foreach (var observer in observers)
            {
                try
                {
                    observer.OnNext(e);
                }
                catch (Exception ex)
                {
                    Log.ObserverFailed(_logger, ex);
                }
            }
        }
        if (e is ExecutingEvent { IsPromptDone: true } finished) PromptDone(finished.Id!);
    }

    /// <summary>The prompt is done (seen on the socket or found in history after a reconnect): release its waiter and observers.</summary>
    private void PromptDone(string promptId)
    {
        List<IObserver<ComfyEvent>>? observers;
        PromptWaiter? waiter;
        lock (_gate)
        {
            _observers.Remove(promptId, out observers);
            _waiters.TryGetValue(promptId, out waiter);
        }
        if (observers is not null)
        {
            foreach (var observer in observers)
            {
                try
                {
                    observer.OnCompleted();
                }
                catch (Exception ex)
                {
                    Log.ObserverFailed(_logger, ex);
                }
            }
        }
        waiter?.Done();
    }

    private void OnConnectionLost(ClientWebSocket socket, Exception? error)
    {
        PromptWaiter[] waiters;
        lock (_gate)
        {
            if (_socket == socket) _socket = null;
            _runningPromptId = null;
            if (_connected.Task.IsCompleted) _connected = NewSignal();
            waiters = [.. _waiters.Values];
        }
        socket.Dispose();
        if (_options.WhenDisconnected == DisconnectedBehavior.FailFast)
        {
            foreach (var waiter in waiters)
            {
                waiter.Fail(new ComfyConnectionException(
                    $"The WebSocket of {_base} dropped while waiting for prompt {waiter.PromptId}; it may still run on the server.", error ?? new WebSocketException("closed")));
            }
        }
    }

    private async Task<ClientWebSocket?> ReconnectAsync(Exception? error)
    {
        var policy = _options.Reconnect;
        for (var attempt = 1; ; attempt++)
        {
            if (policy.MaxAttempts is { } max && attempt > max)
            {
                Log.GaveUp(_logger, max);
                var failure = new ComfyConnectionException($"Gave up reconnecting to {_base} after {max} attempts.", error ?? new WebSocketException("closed"));
                PromptWaiter[] waiters;
                lock (_gate)
                {
                    waiters = [.. _waiters.Values];
                    _connected.TrySetException(failure);
                }
                foreach (var waiter in waiters) waiter.Fail(failure);
                SetState(ConnectionState.Failed, attempt - 1, TimeSpan.Zero, error);
                return null;
            }
            var delay = policy.GetDelay(attempt, _options.Random());
            Log.Reconnecting(_logger, attempt, delay, error);
            // The timer starts before the state is announced, so the delay runs from the moment observers learn of it.
            var wait = Task.Delay(delay, _options.TimeProvider, _disposing.Token);
            SetState(ConnectionState.WaitingToReconnect, attempt, delay, error);
            try
            {
                await wait.ConfigureAwait(false);
                SetState(ConnectionState.Connecting, attempt, TimeSpan.Zero, null);
                return await OpenAsync(_disposing.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_disposing.IsCancellationRequested)
            {
                return null;
            }
            catch (Exception ex) when (ex is WebSocketException or HttpRequestException or IOException or OperationCanceledException)
            {
                error = ex;
            }
        }
    }

    private void SetState(ConnectionState state, int attempt, TimeSpan delay, Exception? error)
    {
        lock (_gate)
        {
            _state = state;
            if (state == ConnectionState.Connected) _connected.TrySetResult();
        }
        try
        {
            ConnectionStateChanged?.Invoke(this, new ConnectionStateChangedEventArgs(state, attempt, delay, error));
        }
        catch (Exception ex)
        {
            Log.ObserverFailed(_logger, ex);
        }
    }

    private async Task CloseSocketAsync()
    {
        ClientWebSocket? socket;
        lock (_gate) socket = _socket;
        if (socket is not { State: WebSocketState.Open }) return;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
