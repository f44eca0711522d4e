using System.Text;
using ComfySharp.Engine.Graph;
using ComfySharp.Nodes.Image.Codec;
using ComfySharp.Nodes.Image.Files;
using Microsoft.AspNetCore.StaticFiles;

namespace ComfySharp.Server.Routes;

/// <summary><c>GET /view</c> (protocol.md §2.9): a file of the output, input or temp folder, raw or re-encoded.</summary>
internal static class ViewRoutes
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    /// <summary>Types a browser would run: sent as downloads, as ComfyUI does.</summary>
    private static readonly HashSet<string> Forbidden = new(StringComparer.OrdinalIgnoreCase)
    {
        "text/html", "text/html-sandboxed", "application/xhtml+xml", "text/javascript", "application/javascript", "text/css",
    };

    public static void Map(WebApplication app) => app.MapGet("/view", ViewAsync);

    private static async Task ViewAsync(HttpContext context, EngineFolders folders)
    {
        var query = context.Request.Query;
        if (!query.TryGetValue("filename", out var filenameValues))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        var annotated = AnnotatedName.Parse(filenameValues.ToString());
        var name = annotated.Name;
        // ComfyUI: an empty name, a leading '/' or any '..' is a 400; we also refuse NUL, backslashes and over-long names.
        if (name.Length == 0 || name[0] == '/' || name.Contains("..", StringComparison.Ordinal) ||
            SafePath.Problem(name, allowSeparators: true) is not null)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        var root = ImageFolders.ByType(folders, annotated.Type ?? (query.TryGetValue("type", out var t) ? t.ToString() : "output"));
        if (root is null)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        var folder = query.TryGetValue("subfolder", out var sub) ? SafePath.ResolveFolder(root, sub.ToString()) : Path.GetFullPath(root);
        if (folder is null)
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }
        var baseName = name[(name.LastIndexOf('/') + 1)..];
        var file = SafePath.Resolve(root, Path.GetRelativePath(Path.GetFullPath(root), folder), baseName);
        if (file is null)
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }
        if (!File.Exists(file))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        context.Response.Headers.ContentDisposition = ContentDisposition(baseName);
        // ComfyUI reads a missing channel as "" for previews and as "rgba" for the raw file.
        var channel = query.TryGetValue("channel", out var c) ? c.ToString() : "";
        if (query.TryGetValue("preview", out var preview))
        {
            await PreviewAsync(context, file, preview.ToString(), channel);
            return;
        }
        if (channel is "rgb" or "a")
        {
            await ChannelAsync(context, file, channel);
            return;
        }
        if (!ContentTypes.TryGetContentType(baseName, out var contentType)) contentType = "application/octet-stream";
        if (Forbidden.Contains(contentType.Split(';')[0])) contentType = "application/octet-stream";
        await TypedResults.PhysicalFile(file, contentType, lastModified: File.GetLastWriteTimeUtc(file), enableRangeProcessing: true)
            .ExecuteAsync(context);
    }

    /// <summary><c>preview=webp;90</c> or <c>jpeg;90</c>: re-encoded; WEBP when the format is unknown or the channel wants alpha.</summary>
    private static async Task PreviewAsync(HttpContext context, string file, string preview, string channel)
    {
        var parts = preview.Split(';');
        var format = parts[0];
        if (format is not ("webp" or "jpeg") || channel.Contains('a', StringComparison.Ordinal)) format = "webp";
        var quality = parts[^1].Length > 0 && parts[^1].All(char.IsAsciiDigit) && int.TryParse(parts[^1], out var q) ? q : 90;
        if (await DecodeAsync(context, file) is not { } frame) return;
        var rgbOnly = format == "jpeg" || channel == "rgb" || !frame.HasAlpha;
        var pixels = rgbOnly ? Pixels.RgbaToRgb(frame.Rgba) : frame.Rgba;
        var channels = rgbOnly ? 3 : 4;
        var bytes = format == "jpeg"
            ? ImageEncoder.Jpeg(pixels, frame.Width, frame.Height, channels, quality)
            : ImageEncoder.Webp(pixels, frame.Width, frame.Height, channels, quality);
        await WriteAsync(context, bytes, "image/" + format);
    }

    /// <summary><c>channel=rgb</c>: PNG without alpha; <c>channel=a</c>: an RGBA PNG holding only the alpha (255 when there is none).</summary>
    private static async Task ChannelAsync(HttpContext context, string file, string channel)
    {
        if (await DecodeAsync(context, file) is not { } frame) return;
        byte[] png;
        if (channel == "rgb")
        {
            png = ImageEncoder.Png(Pixels.RgbaToRgb(frame.Rgba), frame.Width, frame.Height, 3);
        }
        else
        {
            var alphaOnly = new byte[frame.Rgba.Length];
            for (var i = 3; i < alphaOnly.Length; i += 4) alphaOnly[i] = frame.HasAlpha ? frame.Rgba[i] : (byte)255;
            png = ImageEncoder.Png(alphaOnly, frame.Width, frame.Height, 4);
        }
        await WriteAsync(context, png, "image/png");
    }

    private static async Task<DecodedFrame?> DecodeAsync(HttpContext context, string file)
    {
        try
        {
            return ImageDecoder.Decode(await File.ReadAllBytesAsync(file, context.RequestAborted)).First;
        }
        catch (InvalidImageException ex)
        {
            // ComfyUI answers a 500 from Pillow; the file is there but is no image.
            context.Response.Headers.ContentDisposition = default;
            await Http.JsonResults.SimpleError(context, ex.Message, StatusCodes.Status415UnsupportedMediaType);
            return null;
        }
    }

    private static Task WriteAsync(HttpContext context, byte[] bytes, string contentType)
    {
        context.Response.ContentType = contentType;
        context.Response.ContentLength = bytes.Length;
        return context.Response.Body.WriteAsync(bytes, context.RequestAborted).AsTask();
    }

    /// <summary><c>filename="name"</c> as ComfyUI sends it; names outside printable ASCII use RFC 5987 (header values must be ASCII).</summary>
    internal static string ContentDisposition(string name)
    {
        var ascii = true;
        foreach (var ch in name) ascii &= ch is >= ' ' and < (char)0x7f;
        if (ascii) return $"filename=\"{name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"";
        var encoded = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(name))
        {
            if (b is >= (byte)'0' and <= (byte)'9' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' || "-._~".Contains((char)b))
            {
                encoded.Append((char)b);
            }
            else
            {
                encoded.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        return "filename*=UTF-8''" + encoded;
    }
}
