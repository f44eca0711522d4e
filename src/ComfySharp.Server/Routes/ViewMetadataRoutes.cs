using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;
using ComfySharp.Engine.Graph;
using ComfySharp.Nodes.Image.Files;
using ComfySharp.Server.Http;

namespace ComfySharp.Server.Routes;

/// <summary><c>GET /view_metadata/{folder_name}?filename=x.safetensors</c>: the <c>__metadata__</c> of a model file's header, or 404.</summary>
internal static class ViewMetadataRoutes
{
    /// <summary>ComfyUI reads headers of at most 1 MiB here.</summary>
    private const long MaxHeader = 1024 * 1024;

    public static void Map(WebApplication app) => app.MapGet("/view_metadata/{folderName}", ViewAsync);

    private static async Task ViewAsync(HttpContext context, string folderName, EngineFolders folders)
    {
        var filename = context.Request.Query["filename"].ToString();
        var key = ModelFolders.Resolve(folderName);
        var path = key is null || !filename.EndsWith(".safetensors", StringComparison.Ordinal)
            ? null
            : SafePath.Resolve(Path.Combine(folders.Models, key), null, filename, nameMayHaveFolders: true);
        if (path is null || !File.Exists(path) || await ReadMetadataAsync(path, context.RequestAborted) is not { } metadata)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        await JsonResults.Write(context, metadata);
    }

    private static async Task<JsonNode?> ReadMetadataAsync(string path, CancellationToken ct)
    {
        await using var stream = File.OpenRead(path);
        var prefix = new byte[8];
        if (await stream.ReadAtLeastAsync(prefix, 8, throwOnEndOfStream: false, ct) < 8) return null;
        var length = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (length > MaxHeader || (long)length > stream.Length - 8) return null;
        var header = new byte[length];
        await stream.ReadExactlyAsync(header, ct);
        // Names and strings are decoded only when read: bytes that are not UTF-8 would throw past the catch below.
        if (!System.Text.Unicode.Utf8.IsValid(header)) return null;
        try
        {
            return JsonNode.Parse(header) is JsonObject o && o["__metadata__"] is { } m ? m.DeepClone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
