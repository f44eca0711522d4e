using System.Text.Json.Nodes;
using ComfySharp.Server.Tests.Infrastructure;

namespace ComfySharp.Server.Tests.Issues;

/// <summary>
/// A client that queues the moment its socket is open (ComfyUI's example scripts do) got, once in a while, a reconnect-style
/// <c>executing</c> frame without prompt_id, or lost the first events: the session was registered after the handshake, so a prompt
/// could start in between. Registration now precedes the handshake; every such client sees status first, then all its events.
/// </summary>
public sealed class QueueRightAfterConnectTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await TestServer.StartAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Every_event_arrives_after_the_greeting_and_carries_the_prompt_id()
    {
        var ct = TestContext.Current.CancellationToken;
        for (var i = 0; i < 20; i++)
        {
            var clientId = $"eager-{i}-{Guid.NewGuid():N}";
            await using var ws = await _server.ConnectAsync(clientId, ct);
            // Queued before reading anything: the greeting is not awaited.
            var promptId = await _server.QueueAsync(Prompts.Trivial($"eager {i}"), clientId, ct);

            var first = await ws.ReceiveJsonAsync(ct);
            Assert.Equal("status", (string?)first["type"]);
            var events = await ws.CollectUntilDoneAsync(promptId, ct);
            var types = Events.Types(events);
            Assert.Contains("execution_start", types);
            Assert.Contains("execution_success", types);
            Assert.All(events.Where(e => (string?)e["type"] == "executing"), e => Assert.Equal(promptId, (string?)e["data"]!["prompt_id"]));
            Assert.Equal(3, events.Count(e => (string?)e["type"] == "executing" && e["data"]!["node"] is JsonValue));
        }
    }
}
