using ComfySharp.Server.Tests.Infrastructure;

namespace ComfySharp.Client.Tests.Infrastructure;

public static class Servers
{
    public static Task<TestServer> StartAsync() => TestServer.StartAsync(nodes: ClientTestNodes.Register);

    public static ComfyClient Client(Uri server, string clientId, ComfyClientOptions? options = null) => new(Options(server, clientId, options));

    /// <summary>A client on the caller's HttpClient (which the client does not dispose).</summary>
    public static ComfyClient Client(HttpClient http, Uri server, string clientId, ComfyClientOptions? options = null) =>
        new(http, Options(server, clientId, options));

    private static ComfyClientOptions Options(Uri server, string clientId, ComfyClientOptions? options) =>
        (options ?? new ComfyClientOptions()) with
        {
            BaseAddress = server,
            ClientId = clientId,
            Reconnect = options?.Reconnect ?? new ReconnectPolicy { InitialDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(200) },
        };
}
