using System.Net;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ComfySharp.Client.Tests.Infrastructure;

/// <summary>
/// A WebSocket at <c>/ws</c> on a loopback port that records the client's first message, then sends a fixed script of text frames
/// and keeps the socket open: for what a ComfySharp server never sends (event types of other servers' extensions).
/// </summary>
internal sealed class ScriptedSocketServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TaskCompletionSource<string> _firstMessage = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ScriptedSocketServer(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The first text message the client sent.</summary>
    public Task<string> FirstMessage => _firstMessage.Task;

    public static async Task<ScriptedSocketServer> StartAsync(IReadOnlyList<string> script, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new ScriptedSocketServer(app);
        app.UseWebSockets();
        app.Map("/ws", async (HttpContext context) =>
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var aborted = context.RequestAborted;
            var buffer = new byte[16 * 1024];
            var first = await socket.ReceiveAsync(buffer, aborted);
            server._firstMessage.TrySetResult(Encoding.UTF8.GetString(buffer, 0, first.Count));
            foreach (var frame in script) await socket.SendAsync(Encoding.UTF8.GetBytes(frame), WebSocketMessageType.Text, true, aborted);
            while (socket.State == WebSocketState.Open && (await socket.ReceiveAsync(buffer, aborted)).MessageType != WebSocketMessageType.Close)
            {
            }
            if (socket.State == WebSocketState.CloseReceived) await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", aborted);
        });
        await app.StartAsync(ct);
        server.BaseAddress = new Uri(app.Urls.First().TrimEnd('/') + "/");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
