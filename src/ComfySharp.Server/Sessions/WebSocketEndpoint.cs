using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using ComfySharp.Engine.Queue;
using ComfySharp.Server.Hosting;
using Microsoft.Extensions.Options;

namespace ComfySharp.Server.Sessions;

/// <summary><c>GET /ws</c> (protocol.md §3.1–3.2): sid, greeting, feature-flag negotiation, then reading until the client leaves.</summary>
internal static partial class WebSocketEndpoint
{
    private const int MaxMessageBytes = 4 * 1024 * 1024;

    public static async Task HandleAsync(HttpContext context, SessionHub hub, PromptQueue queue, ServerFeatures features,
        IOptions<ServerOptions> options, ILogger<SessionHub> logger)
    {
        if (WebSocketHandshake.Upgrade(context) is not { } upgrade)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("Expected a WebSocket upgrade request.", context.RequestAborted);
            return;
        }

        var clientId = context.Request.Query["clientId"].ToString();
        var sid = string.IsNullOrEmpty(clientId) ? Guid.NewGuid().ToString("N") : clientId;
        // Greeting and registration happen before the handshake completes: a client may queue a prompt the moment it is connected,
        // and that prompt's events must find this session, behind the greeting. Only a prompt that was already running for this sid
        // (a reconnect) earns the executing frame; one queued after the handshake must not look like one (it has no prompt_id).
        var session = new ClientSession(sid, options.Value.OutboxCapacity);
        session.Post(OutboundFrame.Event(EventFrames.Status(queue.Remaining, sid)));
        if (hub.ExecutingFor(sid) is { } executing) session.Post(OutboundFrame.Event(executing));
        hub.Add(session);
        WebSocket socket;
        CoalescingStream connection;
        try
        {
            (socket, connection) = await WebSocketHandshake.AcceptAsync(context, upgrade);
        }
        catch
        {
            // The handshake failed: the session never had a socket.
            hub.Remove(session);
            session.Complete();
            throw;
        }
        using var _ = socket;
        session.Attach(socket, connection);
        LogConnected(logger, sid);

        var writer = session.StartWriter(context.RequestAborted);
        try
        {
            await ReceiveAsync(session, features, logger, context.RequestAborted);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException)
        {
            // Client vanished, was replaced, or the server stops.
        }
        finally
        {
            hub.Remove(session);
            session.Complete();
            await writer;
            LogDisconnected(logger, sid);
        }
    }

    private static async Task ReceiveAsync(ClientSession session, ServerFeatures features, ILogger logger, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (true)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (length == buffer.Length)
                    {
                        if (buffer.Length >= MaxMessageBytes)
                        {
                            session.RequestClose(WebSocketCloseStatus.MessageTooBig, "message too big");
                            return;
                        }
                        var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, length).CopyTo(bigger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = bigger;
                    }
                    result = await session.Socket.ReceiveAsync(buffer.AsMemory(length), ct);
                    length += result.Count;
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close) return;
                // Binary frames from clients are ignored, as by ComfyUI; bad input never closes the socket.
                if (result.MessageType == WebSocketMessageType.Text) HandleText(session, buffer.AsSpan(0, length), features, logger);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The first text message that parses as JSON may negotiate feature flags; later ones are ignored (§3.2).</summary>
    private static void HandleText(ClientSession session, ReadOnlySpan<byte> text, ServerFeatures features, ILogger logger)
    {
        if (session.FeatureFlagsReceived) return;
        JsonNode? message;
        try
        {
            // The socket refuses text frames that are not UTF-8; checked again because the reader would only throw later.
            message = System.Text.Unicode.Utf8.IsValid(text) ? JsonNode.Parse(text) : throw new JsonException("not UTF-8");
        }
        catch (JsonException)
        {
            LogBadMessage(logger, session.Sid);
            return;
        }
        session.FeatureFlagsReceived = true;
        if (message is JsonObject o && o["type"] is JsonValue t && t.TryGetValue<string>(out var type) && type == "feature_flags")
        {
            session.FeatureFlags = o["data"] is JsonObject data ? (JsonObject)data.DeepClone() : [];
            session.Post(new OutboundFrame(features.FeatureFlagsFrame, true, false));
        }
    }

    [LoggerMessage(EventId = 200, Level = LogLevel.Debug, Message = "WebSocket {ClientId} connected")]
    private static partial void LogConnected(ILogger logger, string clientId);

    [LoggerMessage(EventId = 201, Level = LogLevel.Debug, Message = "WebSocket {ClientId} disconnected")]
    private static partial void LogDisconnected(ILogger logger, string clientId);

    [LoggerMessage(EventId = 202, Level = LogLevel.Warning, Message = "WebSocket {ClientId} sent a message that is not JSON; ignored")]
    private static partial void LogBadMessage(ILogger logger, string clientId);
}
