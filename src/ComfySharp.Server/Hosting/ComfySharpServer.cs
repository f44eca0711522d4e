using System.Net;
using ComfySharp.Engine.Caching;
using ComfySharp.Engine.Execution;
using ComfySharp.Engine.Graph;
using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Queue;
using ComfySharp.Engine.Validation;
using ComfySharp.Nodes.Core;
using ComfySharp.Nodes.Diffusion;
using ComfySharp.Nodes.Diffusion.Models;
using ComfySharp.Nodes.Image;
using ComfySharp.Nodes.Testing;
using ComfySharp.Server.Http;
using ComfySharp.Server.Routes;
using ComfySharp.Server.Sessions;
using ComfySharp.Storage.Sqlite;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace ComfySharp.Server.Hosting;

/// <summary>A running ComfySharp server: Kestrel, the engine, the store and the WebSocket hub.</summary>
public sealed class ComfySharpServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ComfySharpServer(WebApplication app, IReadOnlyList<Uri> addresses)
    {
        _app = app;
        Addresses = addresses;
    }

    /// <summary>The first bound address, e.g. <c>http://127.0.0.1:8188/</c>.</summary>
    public Uri BaseAddress => Addresses[0];
    public IReadOnlyList<Uri> Addresses { get; }
    public IServiceProvider Services => _app.Services;

    public static async Task<ComfySharpServer> StartAsync(ServerOptions options, Action<ILoggingBuilder>? logging = null,
        Action<NodeRegistry>? nodes = null, CancellationToken ct = default)
    {
        var app = await BuildAsync(options, logging, nodes, ct);
        await app.StartAsync(ct);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        var uris = new List<Uri>();
        foreach (var a in addresses) uris.Add(new Uri(a.EndsWith('/') ? a : a + "/"));
        return new ComfySharpServer(app, uris);
    }

    public Task WaitForShutdownAsync(CancellationToken ct = default) => _app.WaitForShutdownAsync(ct);

    public Task StopAsync(CancellationToken ct = default) => _app.StopAsync(ct);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _app.StopAsync();
        }
        finally
        {
            await _app.DisposeAsync();
        }
    }

    private static async Task<WebApplication> BuildAsync(ServerOptions options, Action<ILoggingBuilder>? logging, Action<NodeRegistry>? nodes,
        CancellationToken ct)
    {
        var folders = FoldersOf(options);
        folders.CreateAll();
        ClearTemp(folders.Temp);
        // The database opens and the queue loads on another thread while the web host and the node registry are built.
        var opening = Task.Run(() => OpenStoreAsync(options, folders, ct), ct);

        // The host's own configuration files are not watched for changes: ServerOptions is read once, from its own sources,
        // and the watcher is a thread and inotify buffers for nothing (about 1 MB of RSS).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting", LogLevel.Warning);
        // The hosting layer's request log is off entirely: while any level of it is enabled, ASP.NET starts an Activity
        // (with its id strings) for every request just in case; errors in a request are logged by Kestrel's own category.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        logging?.Invoke(builder.Logging);

        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = options.MaxBodyBytes;
            k.AddServerHeader = false;
            foreach (var address in ListenAddresses(options.Listen)) k.Listen(address, options.Port);
        });
        // Uploads are bounded by --max-upload-size alone (Kestrel answers 413), not by the form reader's own 128 MB default.
        builder.Services.Configure<Microsoft.AspNetCore.Http.Features.FormOptions>(o => o.MultipartBodyLengthLimit = options.MaxBodyBytes);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
        // Request handlers never block (they await the store and hand prompts to the worker), so socket completions may run
        // them inline instead of hopping through the thread pool: on two cores that hop was a large share of the CPU.
        builder.Services.Configure<SocketTransportOptions>(o => o.UnsafePreferInlineScheduling = true);

        var unloading = new ModelUnloading();
        var models = new ModelCache(new DiffusionPackOptions(folders) { PreviewMethod = options.PreviewMethod, PreviewSize = options.PreviewSize });
        unloading.Register(models.UnloadAll);
        var registry = new NodeRegistry().AddCoreNodes().AddTestingNodes()
            .AddImageNodes(new ImagePackOptions(folders) { DisableMetadata = options.DisableMetadata })
            .AddDiffusionNodes(models);
        nodes?.Invoke(registry);

        var (store, queued) = await opening;

        var hub = new SessionHub();
        var cache = options.CacheNone ? OutputCache.None() : options.CacheLru > 0 ? OutputCache.Lru(options.CacheLru) : OutputCache.Classic();
        builder.Services.AddSingleton(Options.Create(options));
        builder.Services.AddSingleton(folders);
        builder.Services.AddSingleton(registry);
        builder.Services.AddSingleton(unloading);
        // A factory registration makes the container dispose the loaded models at shutdown.
        builder.Services.AddSingleton(_ => models);
        // A factory registration makes the container dispose the store (draining its writes) at shutdown.
        builder.Services.AddSingleton<IPromptStore>(_ => store);
        builder.Services.AddSingleton(hub);
        // Every event goes through one ordering point (the worker runs ahead of its history commits).
        var events = new OrderedEvents(hub);
        builder.Services.AddSingleton(events);
        builder.Services.AddSingleton<IExecutionEvents>(events);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(cache);
        builder.Services.AddSingleton<PromptValidator>();
        builder.Services.AddSingleton<PromptExecutor>();
        builder.Services.AddSingleton<PromptQueue>();
        builder.Services.AddSingleton<PromptWorker>();
        builder.Services.AddSingleton<ServerFeatures>();
        builder.Services.AddSingleton<ObjectInfoCache>();
        builder.Services.AddHostedService<WorkerService>();

        var app = builder.Build();
        models.Logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ComfySharp.Nodes.Diffusion");
        await app.Services.GetRequiredService<PromptWorker>().RestoreAsync(queued, ct);

        app.UseMiddleware<RequestErrorsMiddleware>();
        app.UseMiddleware<OriginMiddleware>();
        // protocol.md §1.2: every route also answers under /api.
        app.UsePathBase("/api");
        app.MapComfyRoutes();
        return app;
    }

    private static async Task<(IPromptStore Store, IReadOnlyList<QueueItem> Queued)> OpenStoreAsync(ServerOptions options, EngineFolders folders,
        CancellationToken ct)
    {
        IPromptStore store = options.Ephemeral
            ? new InMemoryPromptStore()
            : await SqlitePromptStore.OpenAsync(options.DatabasePath ?? Path.Combine(folders.User, "comfysharp.db"), ct);
        try
        {
            return (store, await store.LoadQueueAsync(ct));
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }

    internal static EngineFolders FoldersOf(ServerOptions options)
    {
        var baseDir = Path.GetFullPath(options.BaseDirectory);
        var defaults = EngineFolders.Under(baseDir);
        return defaults with
        {
            Output = options.OutputDirectory is { } o ? Path.GetFullPath(o) : defaults.Output,
            Input = options.InputDirectory is { } i ? Path.GetFullPath(i) : defaults.Input,
            Temp = options.TempDirectory is { } t ? Path.GetFullPath(t) : defaults.Temp,
        };
    }

    /// <summary>ComfyUI empties the temp folder at start (previews live there).</summary>
    private static void ClearTemp(string temp)
    {
        foreach (var entry in new DirectoryInfo(temp).EnumerateFileSystemInfos())
        {
            if (entry is DirectoryInfo d) d.Delete(recursive: true);
            else entry.Delete();
        }
    }

    /// <summary><c>--listen</c>: a comma list; an empty value means every IPv4 and IPv6 address, as in ComfyUI.</summary>
    private static IEnumerable<IPAddress> ListenAddresses(string listen)
    {
        if (string.IsNullOrWhiteSpace(listen))
        {
            yield return IPAddress.Any;
            yield return IPAddress.IPv6Any;
            yield break;
        }
        foreach (var part in listen.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            yield return part == "localhost" ? IPAddress.Loopback : IPAddress.Parse(part);
        }
    }
}
