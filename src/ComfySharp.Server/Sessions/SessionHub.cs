using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using ComfySharp.Engine.Execution;
using ComfySharp.Engine.Nodes;
using ComfySharp.Protocol.Frames;

namespace ComfySharp.Server.Sessions;

/// <summary>
/// Turns engine events into frames and routes them (protocol.md §3.3): <em>client</em> = the prompt's client only,
/// <em>client-or-all</em> = that client or every socket when the prompt has none, <em>all</em> = every socket.
/// </summary>
internal sealed partial class SessionHub : IExecutionEvents
{
    private readonly ConcurrentDictionary<string, ClientSession> _sessions = new(StringComparer.Ordinal);
    private readonly Lock _runningLock = new();
    private readonly FanOutQueue _fanOuts = new();
    // Broadcasts walk an array of the sessions, remade after sessions came or went (see Everyone).
    private int _version;
    private Everyone? _everyone;
    private ExecutionScope? _running;
    private string? _runningDisplayNode;

    public int Count => _sessions.Count;

    /// <summary>Registers a session. A previous socket with the same sid is closed with a close frame (ComfyUI leaves it open, §3.1).</summary>
    public void Add(ClientSession session)
    {
        ClientSession? previous = null;
        _sessions.AddOrUpdate(session.Sid, session, (_, old) =>
        {
            previous = old;
            return session;
        });
        Interlocked.Increment(ref _version);
        previous?.RequestClose(WebSocketCloseStatus.NormalClosure, "replaced by a new connection with the same clientId");
    }

    /// <summary>Unregisters a session only if it is still the current one for its sid (ComfyUI would drop the newer socket).</summary>
    public void Remove(ClientSession session)
    {
        if (_sessions.TryRemove(new KeyValuePair<string, ClientSession>(session.Sid, session))) Interlocked.Increment(ref _version);
    }

    /// <summary>The <c>executing</c> frame a reconnecting client of the running prompt gets (display id only, as ComfyUI sends it).</summary>
    public byte[]? ExecutingFor(string sid)
    {
        lock (_runningLock)
        {
            if (_running is not { } scope || scope.ClientId != sid || _runningDisplayNode is null) return null;
            return EventFrames.Executing(_runningDisplayNode, null, null);
        }
    }

    public void QueueChanged(int queueRemaining)
    {
        if (!_sessions.IsEmpty) ToAll(OutboundFrame.QueueStatus(EventFrames.Status(queueRemaining, null)));
    }

    public void ExecutionStart(ExecutionScope scope, long timestamp)
    {
        lock (_runningLock)
        {
            _running = scope;
            _runningDisplayNode = null;
        }
        if (Client(scope) is { } client) client.Post(OutboundFrame.Event(EventFrames.PromptEvent("execution_start", scope.PromptId, timestamp)));
    }

    public void ExecutionCached(ExecutionScope scope, IReadOnlyList<string> nodes, long timestamp) =>
        Client(scope)?.Post(OutboundFrame.Event(EventFrames.Cached(scope.PromptId, nodes, timestamp)));

    public void Executing(ExecutionScope scope, string nodeId, string displayNodeId)
    {
        lock (_runningLock) _runningDisplayNode = displayNodeId;
        Client(scope)?.Post(OutboundFrame.Later(LaterEvent.Executing(nodeId, displayNodeId, scope.PromptId)));
    }

    public void Progress(ExecutionScope scope, NodeProgress node, double value, double max, PreviewImage? preview)
    {
        if (!ClientOrAll(scope, out var client)) return;
        if (preview is not null && client is { SupportsPreviewMetadata: true })
        {
            var metadata = new PreviewMetadata(node.NodeId, scope.PromptId, node.DisplayNodeId, node.ParentNodeId, node.RealNodeId,
                preview.Format == PreviewFormat.Png ? "image/png" : "image/jpeg");
            client.Post(new OutboundFrame(BinaryFrames.PreviewImageWithMetadata(metadata, preview.Bytes.Span), false, true));
        }
        ToClientOrAll(client, OutboundFrame.Event(EventFrames.Progress(scope.PromptId, node.NodeId, value, max), sheddable: true));
        if (preview is not null && client is not { SupportsPreviewMetadata: true })
        {
            ToClientOrAll(client, new OutboundFrame(BinaryFrames.PreviewImage((PreviewImageFormat)preview.Format, preview.Bytes.Span), false, true));
        }
    }

    public void ProgressState(ExecutionScope scope, IReadOnlyList<NodeProgress> nodes)
    {
        // One client's copy is written by its connection's writer; a broadcast's is serialized once, here, for every socket.
        if (Client(scope) is { } client) client.Post(OutboundFrame.Later(LaterEvent.ProgressState(scope.PromptId, nodes), sheddable: true));
        else if (scope.ClientId is null && !_sessions.IsEmpty) ToAll(OutboundFrame.Event(EventFrames.ProgressState(scope.PromptId, nodes), sheddable: true));
    }

    // ComfyUI's nodes send progress text without a sid: every socket gets it (§3.4).
    public void ProgressText(ExecutionScope scope, string nodeId, string text)
    {
        if (!_sessions.IsEmpty) ToAll(new OutboundFrame(BinaryFrames.Text(nodeId, text), false, false));
    }

    public void Executed(ExecutionScope scope, string nodeId, string displayNodeId, JsonObject? output) =>
        Client(scope)?.Post(OutboundFrame.Event(EventFrames.Executed(scope.PromptId, nodeId, displayNodeId, output)));

    public void ExecutionSuccess(ExecutionScope scope, long timestamp) =>
        Client(scope)?.Post(OutboundFrame.Event(EventFrames.PromptEvent("execution_success", scope.PromptId, timestamp)));

    public void ExecutionError(ExecutionScope scope, JsonObject data, bool blocked)
    {
        if (blocked)
        {
            if (ClientOrAll(scope, out var client)) ToClientOrAll(client, OutboundFrame.Event(EventFrames.Data("execution_error", data)));
        }
        else
        {
            Client(scope)?.Post(OutboundFrame.Event(EventFrames.Data("execution_error", data)));
        }
    }

    public void ExecutionInterrupted(ExecutionScope scope, JsonObject data)
    {
        if (ClientOrAll(scope, out var client)) ToClientOrAll(client, OutboundFrame.Event(EventFrames.Data("execution_interrupted", data)));
    }

    public void ExecutionDone(ExecutionScope scope)
    {
        lock (_runningLock)
        {
            if (_running?.PromptId == scope.PromptId)
            {
                _running = null;
                _runningDisplayNode = null;
            }
        }
        Client(scope)?.Post(OutboundFrame.Event(EventFrames.Executing(null, null, scope.PromptId)));
    }

    // An event is serialized only when someone will receive it: a targeted event whose client is not connected costs nothing.

    /// <summary>The prompt's connected client, or null (no client_id, or not connected).</summary>
    private ClientSession? Client(ExecutionScope scope) =>
        scope.ClientId is not null && _sessions.TryGetValue(scope.ClientId, out var session) ? session : null;

    /// <summary>Whether a client-or-all event has a recipient: the prompt's client (set), or, without client_id, any socket.</summary>
    private bool ClientOrAll(ExecutionScope scope, out ClientSession? client)
    {
        client = Client(scope);
        return client is not null || (scope.ClientId is null && !_sessions.IsEmpty);
    }

    /// <summary><paramref name="client"/> when the prompt has one (resolved by <see cref="ClientOrAll"/>), else every socket.</summary>
    private void ToClientOrAll(ClientSession? client, OutboundFrame frame)
    {
        if (client is not null) client.Post(frame);
        else ToAll(frame);
    }

    /// <summary>Queues the frame for every socket, then drains the idle outboxes from a few work items (<see cref="FanOut"/>) once the previous broadcast's are done.</summary>
    private void ToAll(OutboundFrame frame)
    {
        FanOut? fanOut = null;
        var sessions = Sessions();
        foreach (var session in sessions)
        {
            if (session.Enqueue(frame)) (fanOut ??= new FanOut(sessions.Length)).Add(session);
        }
        if (fanOut is not null) _fanOuts.Run(fanOut);
    }

    /// <summary>
    /// Every registered session. The version is read before the dictionary is, and bumped after each change to it, so an
    /// array made for a version holds every session registered before that version was reached: a session added before a
    /// broadcast starts is always in it.
    /// </summary>
    private ClientSession[] Sessions()
    {
        var version = Volatile.Read(ref _version);
        if (Volatile.Read(ref _everyone) is { } known && known.Version == version) return known.Sessions;
        // Made only after sessions came or went: the copy under every bucket's lock is no cost per broadcast.
        var everyone = new Everyone(version, [.. _sessions.Values]);
        Volatile.Write(ref _everyone, everyone);
        return everyone.Sessions;
    }

    private sealed record Everyone(int Version, ClientSession[] Sessions);
}
