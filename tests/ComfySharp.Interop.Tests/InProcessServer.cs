using ComfySharp.Server.Hosting;
using Microsoft.Extensions.Logging;

namespace ComfySharp.Interop.Tests;

/// <summary>A fresh in-memory server per test, in a temp folder deleted afterwards.</summary>
public abstract class InProcessServer : IAsyncLifetime
{
    private readonly string _folder = RepoPaths.NewTempFolder();
    private ComfySharpServer? _server;

    /// <summary>The server's base directory (models, input, output).</summary>
    protected string Folder => _folder;

    protected ComfySharpServer Server => _server ?? throw new InvalidOperationException("not started");

    public async ValueTask InitializeAsync() =>
        _server = await ComfySharpServer.StartAsync(new ServerOptions { Port = 0, BaseDirectory = _folder, Ephemeral = true },
            logging: l => l.SetMinimumLevel(LogLevel.Warning), ct: TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        RepoPaths.DeleteFolder(_folder);
        GC.SuppressFinalize(this);
    }
}
