using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using ComfySharp.Engine.Graph;
using ComfySharp.Server.Hosting;
using ComfySharp.Server.Http;
using Microsoft.Extensions.Options;

namespace ComfySharp.Server.Routes;

/// <summary>Descriptive routes: object_info, system_stats, features, embeddings, extensions, models (protocol.md §2.12–2.15).</summary>
internal static class InfoRoutes
{
    /// <summary>The ComfyUI version whose protocol this server follows (protocol.md §0).</summary>
    public const string ComfyUiVersion = "0.26.0";

    public static void Map(WebApplication app)
    {
        app.MapGet("/object_info", (HttpContext c, ObjectInfoCache info) => JsonResults.WriteBytes(c, info.All));
        app.MapGet("/object_info/{nodeClass}", (HttpContext c, string nodeClass, ObjectInfoCache info) => JsonResults.Write(c, info.One(nodeClass)));
        app.MapGet("/features", (HttpContext c, ServerFeatures features) => JsonResults.WriteRaw(c, features.Json));
        app.MapGet("/system_stats", SystemStats);
        app.MapGet("/embeddings", Embeddings);
        app.MapGet("/extensions", Extensions);
        app.MapGet("/models", (HttpContext c) => JsonResults.Write(c, StringArray(ModelFolders.Keys)));
        app.MapGet("/models/{folder}", Models);
    }

    private static Task SystemStats(HttpContext context, IOptions<ServerOptions> options)
    {
        var memory = GC.GetGCMemoryInfo();
        var argv = new JsonArray();
        foreach (var a in Environment.GetCommandLineArgs()) argv.Add(a);
        var system = new JsonObject
        {
            ["os"] = OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsWindows() ? "win32" : OperatingSystem.IsMacOS() ? "darwin" : "unknown",
            ["ram_total"] = memory.TotalAvailableMemoryBytes,
            ["ram_free"] = FreeRam(memory),
            ["comfyui_version"] = ComfyUiVersion,
            ["comfysharp_version"] = typeof(InfoRoutes).Assembly.GetName().Version?.ToString(3),
            ["python_version"] = $".NET {Environment.Version} ({RuntimeInformation.RuntimeIdentifier})",
            ["pytorch_version"] = "",
            ["embedded_python"] = false,
            ["deploy_environment"] = "comfysharp",
            ["argv"] = argv,
        };
        var devices = new JsonArray(new JsonObject
        {
            ["name"] = "cpu",
            ["type"] = "cpu",
            ["index"] = null,
            ["vram_total"] = memory.TotalAvailableMemoryBytes,
            ["vram_free"] = FreeRam(memory),
            ["torch_vram_total"] = 0,
            ["torch_vram_free"] = 0,
        });
        return JsonResults.Write(context, new JsonObject { ["system"] = system, ["devices"] = devices });
    }

    private static long FreeRam(GCMemoryInfo memory)
    {
        // MemAvailable from the kernel when there is one; the GC's view otherwise.
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
            {
                if (!line.StartsWith("MemAvailable:", StringComparison.Ordinal)) continue;
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return memory.TotalAvailableMemoryBytes - memory.MemoryLoadBytes;
    }

    private static Task Embeddings(HttpContext context, EngineFolders folders)
    {
        var names = new JsonArray();
        foreach (var file in ModelFolders.List(Path.Combine(folders.Models, "embeddings"), ModelFolders.ModelExtensions))
        {
            var ext = Path.GetExtension(file);
            names.Add(file[..^ext.Length]);
        }
        return JsonResults.Write(context, names);
    }

    private static Task Extensions(HttpContext context, IOptions<ServerOptions> options)
    {
        var urls = new JsonArray();
        if (options.Value.FrontEndRoot is { } root)
        {
            var extensions = Path.Combine(root, "extensions");
            foreach (var file in ModelFolders.List(extensions, [".js"])) urls.Add("/extensions/" + file);
        }
        return JsonResults.Write(context, urls);
    }

    private static Task Models(HttpContext context, string folder, EngineFolders folders)
    {
        var key = ModelFolders.Resolve(folder);
        if (key is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }
        var extensions = key is "configs" or "custom_nodes" ? null : ModelFolders.ModelExtensions;
        return JsonResults.Write(context, StringArray(ModelFolders.List(Path.Combine(folders.Models, key), extensions)));
    }

    private static JsonArray StringArray(IEnumerable<string> items)
    {
        var array = new JsonArray();
        foreach (var item in items) array.Add(item);
        return array;
    }
}
