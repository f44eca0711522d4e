using System.CommandLine;
using System.Diagnostics;
using ComfySharp.Server.Hosting;

namespace ComfySharp.Cli;

/// <summary><c>comfysharp serve</c>: ComfyUI's flag names (DESIGN.md "Configuration"), over appsettings.json and COMFYSHARP_ variables.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var listen = new Option<string?>("--listen")
        {
            Description = "Address(es) to listen on, comma separated. Without a value: all IPv4 and IPv6 addresses. Default 127.0.0.1.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var port = new Option<int?>("--port") { Description = "Port to listen on (0 picks a free one). Default 8188." };
        var baseDirectory = new Option<string?>("--base-directory") { Description = "Folder holding input, output, temp, models and user." };
        var output = new Option<string?>("--output-directory") { Description = "Output folder (default <base>/output)." };
        var input = new Option<string?>("--input-directory") { Description = "Input folder (default <base>/input)." };
        var temp = new Option<string?>("--temp-directory") { Description = "Temp folder (default <base>/temp); emptied at start." };
        var maxUpload = new Option<double?>("--max-upload-size") { Description = "Largest request body in MB. Default 100." };
        var cors = new Option<string?>("--enable-cors-header")
        {
            Description = "Send CORS headers allowing ORIGIN (default '*') instead of refusing cross-site requests.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var cacheLru = new Option<int?>("--cache-lru") { Description = "Keep up to N node results across prompts (LRU)." };
        var cacheNone = new Option<bool>("--cache-none") { Description = "Cache nothing across prompts." };
        var cacheClassic = new Option<bool>("--cache-classic") { Description = "Keep results used by the current prompt (the default)." };
        var ephemeral = new Option<bool>("--ephemeral") { Description = "Keep queue and history in memory only (no database)." };
        var previewMethod = new Option<string?>("--preview-method") { Description = "Latent preview method: none, auto, latent2rgb, taesd." };
        var previewSize = new Option<int?>("--preview-size") { Description = "Maximum size of latent previews in pixels (default 512)." };
        var disableMetadata = new Option<bool>("--disable-metadata") { Description = "Do not save prompt metadata in files." };
        var frontEnd = new Option<string?>("--front-end-root") { Description = "Folder of a ComfyUI web frontend to serve." };
        var database = new Option<string?>("--database") { Description = "SQLite database file (default <base>/user/comfysharp.db)." };

        var command = new Command("serve", "Start the ComfyUI-compatible server.")
        {
            listen, port, baseDirectory, output, input, temp, maxUpload, cors, cacheLru, cacheNone, cacheClassic, ephemeral, previewMethod,
            previewSize, disableMetadata, frontEnd, database,
        };
        command.SetAction(async (result, ct) =>
        {
            var started = Stopwatch.GetTimestamp();
            var options = ServerOptions.Load(Directory.GetCurrentDirectory());
            if (result.GetResult(listen) is not null) options.Listen = result.GetValue(listen) ?? "";
            if (result.GetValue(port) is { } p) options.Port = p;
            if (result.GetValue(baseDirectory) is { } b) options.BaseDirectory = b;
            if (result.GetValue(output) is { } o) options.OutputDirectory = o;
            if (result.GetValue(input) is { } i) options.InputDirectory = i;
            if (result.GetValue(temp) is { } t) options.TempDirectory = t;
            if (result.GetValue(maxUpload) is { } m) options.MaxUploadSize = m;
            if (result.GetResult(cors) is not null) options.EnableCorsHeader = result.GetValue(cors) ?? "*";
            if (result.GetValue(cacheLru) is { } lru) options.CacheLru = lru;
            if (result.GetValue(cacheNone)) options.CacheNone = true;
            if (result.GetValue(cacheClassic))
            {
                options.CacheNone = false;
                options.CacheLru = 0;
            }
            if (result.GetValue(ephemeral)) options.Ephemeral = true;
            if (result.GetValue(previewMethod) is { } pm) options.PreviewMethod = pm;
            if (result.GetValue(previewSize) is { } ps) options.PreviewSize = ps;
            if (result.GetValue(disableMetadata)) options.DisableMetadata = true;
            if (result.GetValue(frontEnd) is { } fe) options.FrontEndRoot = fe;
            if (result.GetValue(database) is { } db) options.DatabasePath = db;
            if (options.CacheNone && options.CacheLru > 0)
            {
                await Console.Error.WriteLineAsync("--cache-none and --cache-lru cannot be used together.");
                return 2;
            }
            if (options.PreviewMethod is not ("none" or "auto" or "latent2rgb" or "taesd"))
            {
                await Console.Error.WriteLineAsync($"--preview-method must be none, auto, latent2rgb or taesd, not '{options.PreviewMethod}'.");
                return 2;
            }
            if (options.PreviewSize <= 0)
            {
                await Console.Error.WriteLineAsync($"--preview-size must be a positive number of pixels, not {options.PreviewSize}.");
                return 2;
            }

            ComfySharpServer server;
            try
            {
                server = await ComfySharpServer.StartAsync(options, ct: ct);
            }
            catch (IOException ex)
            {
                // The port or the database is taken: say which, without a stack trace.
                await Console.Error.WriteLineAsync("Cannot start: " + ex.Message);
                return 1;
            }
            await using var _ = server;
            var elapsed = Stopwatch.GetElapsedTime(started);
            foreach (var address in server.Addresses)
            {
                Console.WriteLine($"ComfySharp listening on {address.ToString().TrimEnd('/')} (ready in {elapsed.TotalMilliseconds:0} ms)");
            }
            Console.Out.Flush();
            await server.WaitForShutdownAsync(CancellationToken.None);
            return 0;
        });
        return command;
    }
}
