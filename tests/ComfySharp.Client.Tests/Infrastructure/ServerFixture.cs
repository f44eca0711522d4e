using ComfySharp.Server.Tests.Infrastructure;

namespace ComfySharp.Client.Tests.Infrastructure;

/// <summary>One real server for a test class.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public TestServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await Servers.StartAsync();

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}
