using System.Net.Sockets;
using System.Text;
using ComfySharp.Server.Tests.Infrastructure;

namespace ComfySharp.Server.Tests;

/// <summary>The opening handshake of <c>/ws</c> (RFC 6455 §4.2), spoken by hand over a raw TCP connection.</summary>
public sealed class WebSocketHandshakeTests : IAsyncLifetime
{
    private const string ExampleKey = "dGhlIHNhbXBsZSBub25jZQ==";

    private TestServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await TestServer.StartAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Theory]
    [InlineData("Upgrade", "websocket")]
    [InlineData("keep-alive, upgrade", "WebSocket")] // tokens match in any case and inside lists
    public async Task A_valid_handshake_gets_101_with_the_accept_key_then_the_status_frame(string connection, string upgrade)
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = await ConnectAsync(ct);
        var head = await SendAsync(client, Request(connection, upgrade, "13", ExampleKey), ct);
        Assert.StartsWith("HTTP/1.1 101", head);
        Assert.Contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n", head);
        Assert.Contains("Upgrade: websocket\r\n", head, StringComparison.OrdinalIgnoreCase);
        // The first frame: an unmasked text frame (FIN + opcode 1) holding the status event.
        var first = new byte[2];
        await client.GetStream().ReadExactlyAsync(first, ct);
        Assert.Equal(0x81, first[0]);
        Assert.Equal(0, first[1] & 0x80);
    }

    [Theory]
    [InlineData("keep-alive", "websocket", "13", ExampleKey)] // no Connection: Upgrade
    [InlineData("Upgrade", "h2c", "13", ExampleKey)] // not a WebSocket upgrade
    [InlineData("Upgrade", "websocket", "8", ExampleKey)] // an old protocol version
    [InlineData("Upgrade", "websocket", "13", "not base64!")]
    [InlineData("Upgrade", "websocket", "13", "AAAA")] // base64, but not 16 bytes
    [InlineData("Upgrade", "websocket", "13", null)]
    public async Task An_invalid_handshake_gets_400_and_no_upgrade(string connection, string upgrade, string version, string? key)
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = await ConnectAsync(ct);
        Assert.StartsWith("HTTP/1.1 400", await SendAsync(client, Request(connection, upgrade, version, key), ct));
    }

    [Fact]
    public async Task A_plain_get_gets_400()
    {
        var response = await _server.Http.GetAsync("/ws", TestContext.Current.CancellationToken);
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("Expected a WebSocket upgrade request.", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    private static string Request(string connection, string upgrade, string version, string? key) =>
        "GET /ws?clientId=handshake HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
        $"Connection: {connection}\r\nUpgrade: {upgrade}\r\nSec-WebSocket-Version: {version}\r\n" +
        (key is null ? "" : $"Sec-WebSocket-Key: {key}\r\n") + "\r\n";

    private async Task<TcpClient> ConnectAsync(CancellationToken ct)
    {
        var client = new TcpClient();
        await client.ConnectAsync(_server.BaseAddress.Host, _server.BaseAddress.Port, ct);
        return client;
    }

    /// <summary>Sends <paramref name="request"/> and reads the response head (up to the blank line).</summary>
    private static async Task<string> SendAsync(TcpClient client, string request, CancellationToken ct)
    {
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), ct);
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            await stream.ReadExactlyAsync(one, ct);
            head.Append((char)one[0]);
        }
        return head.ToString();
    }
}
