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
    private ExecutionScope? _running;
    private string? _runningDisplayNode;

    public int Count => _sessions.Count;

    public IEnumerable<ClientSession> Sessions => _sessions.Values;

    /// <summary>Registers a session. A previous socket with the same sid is closed with a close frame (ComfyUI leaves it open, §3.1).</summary>
    public void Add(ClientSession session)
    {
        ClientSession? previous = null;
        _sessions.AddOrUpdate(session.Sid, session, (_, old) =>
        {
            previous = old;
            return session;
        });
        previous?.RequestClose(WebSocketCloseStatus.NormalClosure, "replaced by a new connection with the same clientId");
    }

    /// <summary>Unregisters a session only if it is still the current one for its sid (ComfyUI would drop the newer socket).</summary>
    public void Remove(ClientSession session) => _sessions.TryRemove(new KeyValuePair<string, ClientSession>(session.Sid, session));

    /// <summary>The <c>executing</c> frame a reconnecting client of the running prompt gets (display id only, as ComfyUI sends it).</summary>
    public byte[]? ExecutingFor(string sid)
    {
        lock (_runningLock)
        {
            if (_running is not { } scope || scope.ClientId != sid || _runningDisplayNode is null) return null;
            return EventFrames.Executing(_runningDisplayNode, null, null);
        }
    }

    public void QueueChanged(int queueRemaining) => ToAll(EventFrames.Status(queueRemaining, null), false);

    public void ExecutionStart(ExecutionScope scope, long timestamp)
    {
        lock (_runningLock)
        {
            _running = scope;
            _runningDisplayNode = null;
        }
        ToClient(scope, EventFrames.PromptEvent("execution_start", scope.PromptId, timestamp));
    }

    public void ExecutionCached(ExecutionScope scope, IReadOnlyList<string> nodes, long timestamp) =>
        ToClient(scope, EventFrames.Cached(scope.PromptId, nodes, timestamp));

    public void Executing(ExecutionScope scope, string nodeId, string displayNodeId)
    {
        lock (_runningLock) _runningDisplayNode = displayNodeId;
        ToClient(scope, EventFrames.Executing(nodeId, displayNodeId, scope.PromptId));
    }

    public void Progress(ExecutionScope scope, NodeProgress node, double value, double max, PreviewImage? preview)
    {
        ClientSession? client = null;
        if (scope.ClientId is not null) _sessions.TryGetValue(scope.ClientId, out client);
        if (preview is not null && client is { SupportsPreviewMetadata: true })
        {
            var metadata = new PreviewMetadata(node.NodeId, scope.PromptId, node.DisplayNodeId, node.ParentNodeId, node.RealNodeId,
                preview.Format == PreviewFormat.Png ? "image/png" : "image/jpeg");
            client.Post(new OutboundFrame(BinaryFrames.PreviewImageWithMetadata(metadata, preview.Bytes.Span), false, true));
        }
        ToClientOrAll(scope, EventFrames.Progress(scope.PromptId, node.NodeId, value, max), true);
        if (preview is not null && client is not { SupportsPreviewMetadata: true })
        {
            ToClientOrAll(scope, BinaryFrames.PreviewImage((PreviewImageFormat)preview.Format, preview.Bytes.Span), true, text: false);
        }
    }

    public void ProgressState(ExecutionScope scope, IReadOnlyList<NodeProgress> nodes) =>
        ToClientOrAll(scope, EventFrames.ProgressState(scope.PromptId, nodes), true);

    // ComfyUI's nodes send progress text without a sid: every socket gets it (§3.4).
    public void ProgressText(ExecutionScope scope, string nodeId, string text) => ToAll(BinaryFrames.Text(nodeId, text), false, text: false);

    public void Executed(ExecutionScope scope, string nodeId, string displayNodeId, JsonObject? output) =>
        ToClient(scope, EventFrames.Executed(scope.PromptId, nodeId, displayNodeId, output));

    public void ExecutionSuccess(ExecutionScope scope, long timestamp) =>
        ToClient(scope, EventFrames.PromptEvent("execution_success", scope.PromptId, timestamp));

    public void ExecutionError(ExecutionScope scope, JsonObject data, bool blocked)
    {
        var frame = EventFrames.Data("execution_error", data);
        if (blocked) ToClientOrAll(scope, frame, false);
        else ToClient(scope, frame);
    }

    public void ExecutionInterrupted(ExecutionScope scope, JsonObject data) =>
        ToClientOrAll(scope, EventFrames.Data("execution_interrupted", data), false);

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
        ToClient(scope, EventFrames.Executing(null, null, scope.PromptId));
    }

    private void ToClient(ExecutionScope scope, byte[] frame)
    {
        if (scope.ClientId is not null && _sessions.TryGetValue(scope.ClientId, out var session))
        {
            session.Post(new OutboundFrame(frame, true, false));
        }
    }

    private void ToClientOrAll(ExecutionScope scope, byte[] frame, bool sheddable, bool text = true)
    {
        if (scope.ClientId is null)
        {
            ToAll(frame, sheddable, text);
            return;
        }
        if (_sessions.TryGetValue(scope.ClientId, out var session)) session.Post(new OutboundFrame(frame, text, sheddable));
    }

    private void ToAll(byte[] frame, bool sheddable, bool text = true)
    {
        var outbound = new OutboundFrame(frame, text, sheddable);
        foreach (var session in _sessions.Values) session.Post(outbound);
    }
}
