using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using ComfySharp.Engine.Graph;
using ComfySharp.Nodes.Image.Codec;
using ComfySharp.Nodes.Image.Files;
using ComfySharp.Server.Http;

namespace ComfySharp.Server.Routes;

/// <summary>
/// <c>POST /upload/image</c> and <c>/upload/mask</c> (protocol.md §2.10–2.11). Unlike ComfyUI, the body must be an image (400
/// otherwise) and nothing touches the disk before it is known to be one; files are written under a temporary name and moved
/// into place, so a failed upload leaves nothing behind. Bodies over <c>--max-upload-size</c> get 413 from Kestrel's limit.
/// </summary>
internal static class UploadRoutes
{
    public static void Map(WebApplication app)
    {
        app.MapPost("/upload/image", UploadImageAsync);
        app.MapPost("/upload/mask", UploadMaskAsync);
    }

    private sealed record Upload(IFormCollection Form, IFormFile File, byte[] Bytes, string Root, string Type, string Subfolder);

    private static async Task UploadImageAsync(HttpContext context, EngineFolders folders)
    {
        if (await ReadAsync(context, folders) is not { } upload) return;
        await SaveAsync(context, upload, upload.Bytes);
    }

    private static async Task UploadMaskAsync(HttpContext context, EngineFolders folders)
    {
        if (await ReadAsync(context, folders) is not { } upload) return;
        if (await ComposeMaskAsync(context, folders, upload) is not { } png) return;
        await SaveAsync(context, upload, png);
    }

    /// <summary>The form, its <c>image</c> part and the target folder; answers the error itself and returns null when they are bad.</summary>
    private static async Task<Upload?> ReadAsync(HttpContext context, EngineFolders folders)
    {
        var ct = context.RequestAborted;
        if (!context.Request.HasFormContentType)
        {
            await JsonResults.SimpleError(context, "Expected a multipart/form-data body with an 'image' file.");
            return null;
        }
        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(ct);
        }
        catch (Exception ex) when (ex is InvalidDataException || (ex is IOException && ex is not BadHttpRequestException && !ct.IsCancellationRequested))
        {
            // A body that ends inside a part reads as an IOException ("Unexpected end of Stream"); the body limit's 413 and a
            // client that went away are not this.
            await JsonResults.SimpleError(context, "Malformed form body: " + ex.Message);
            return null;
        }
        var file = form.Files.GetFile("image");
        if (file is null || string.IsNullOrEmpty(file.FileName))
        {
            await JsonResults.SimpleError(context, "No 'image' file in the form.");
            return null;
        }
        var type = form.TryGetValue("type", out var t) && t.ToString().Length > 0 ? t.ToString() : "input";
        // ComfyUI fails with a 500 on an unknown type; it is the client's mistake.
        if (ImageFolders.ByType(folders, type) is not { } root)
        {
            await JsonResults.SimpleError(context, $"Unknown type '{type}': use input, temp or output.");
            return null;
        }
        var subfolder = form.TryGetValue("subfolder", out var s) ? s.ToString() : "";
        if (SafePath.Resolve(root, subfolder, file.FileName) is null)
        {
            await JsonResults.SimpleError(context, "Invalid file name or subfolder.");
            return null;
        }
        var bytes = new byte[file.Length];
        await using (var stream = file.OpenReadStream()) await stream.ReadExactlyAsync(bytes, ct);
        if (!ImageDecoder.TryIdentify(bytes, out _, out _))
        {
            await JsonResults.SimpleError(context, "The uploaded file is not an image.");
            return null;
        }
        return new Upload(form, file, bytes, root, type, subfolder);
    }

    /// <summary>ComfyUI's naming: overwrite when asked; otherwise identical bytes reuse the name and different bytes get <c>name (i).ext</c>.</summary>
    private static async Task SaveAsync(HttpContext context, Upload upload, byte[] content)
    {
        var ct = context.RequestAborted;
        var overwrite = upload.Form.TryGetValue("overwrite", out var o) && o.ToString() is "true" or "1";
        var folder = SafePath.ResolveFolder(upload.Root, upload.Subfolder)!;
        var name = upload.File.FileName;
        var path = Path.Combine(folder, name);
        var duplicate = false;
        if (!overwrite)
        {
            var stem = Path.GetFileNameWithoutExtension(name);
            var extension = Path.GetExtension(name);
            var uploadedHash = SHA256.HashData(upload.Bytes);
            for (var i = 1; File.Exists(path) || Directory.Exists(path); i++)
            {
                if (File.Exists(path) && SameHash(path, uploadedHash))
                {
                    duplicate = true;
                    break;
                }
                name = $"{stem} ({i}){extension}";
                path = Path.Combine(folder, name);
            }
        }
        if (!duplicate)
        {
            // Checked again: the renamed file must stay inside too (a link named "x (1).png" could point out).
            if (SafePath.Resolve(upload.Root, upload.Subfolder, name) is null)
            {
                await JsonResults.SimpleError(context, "Invalid file name or subfolder.");
                return;
            }
            Directory.CreateDirectory(folder);
            var temporary = Path.Combine(folder, $".upload-{Guid.NewGuid():N}.tmp");
            try
            {
                await File.WriteAllBytesAsync(temporary, content, ct);
                File.Move(temporary, path, overwrite: true);
            }
            finally
            {
                if (File.Exists(temporary)) File.Delete(temporary);
            }
        }
        await JsonResults.Write(context, new JsonObject { ["name"] = name, ["subfolder"] = upload.Subfolder, ["type"] = upload.Type });
    }

    private static bool SameHash(string path, byte[] hash)
    {
        using var stream = File.OpenRead(path);
        return SHA256.HashData(stream).AsSpan().SequenceEqual(hash);
    }

    /// <summary>The original of <c>original_ref</c> as RGBA with the uploaded image's alpha, PNG level 4, its text chunks kept.</summary>
    private static async Task<byte[]?> ComposeMaskAsync(HttpContext context, EngineFolders folders, Upload upload)
    {
        JsonObject? reference = null;
        try
        {
            if (upload.Form.TryGetValue("original_ref", out var raw)) reference = JsonNode.Parse(raw.ToString()) as JsonObject;
        }
        catch (JsonException)
        {
        }
        if (reference?["filename"] is not JsonValue filenameValue || !filenameValue.TryGetValue<string>(out var filename))
        {
            await JsonResults.SimpleError(context, "original_ref must be a JSON object with a filename.");
            return null;
        }
        var annotated = AnnotatedName.Parse(filename);
        var type = annotated.Type ?? (reference["type"] is JsonValue tv && tv.TryGetValue<string>(out var ts) ? ts : "output");
        var subfolder = reference["subfolder"] is JsonValue sv && sv.TryGetValue<string>(out var ss) ? ss : "";
        var root = ImageFolders.ByType(folders, type);
        var original = root is null || annotated.Name.Length == 0 || annotated.Name[0] == '/' || annotated.Name.Contains("..", StringComparison.Ordinal)
            ? null
            : SafePath.Resolve(root, subfolder, annotated.Name);
        if (original is null || !File.Exists(original))
        {
            // ComfyUI silently writes nothing yet answers 200 with a name; say what is wrong instead.
            await JsonResults.SimpleError(context, "original_ref does not name an existing image.");
            return null;
        }
        var originalBytes = await File.ReadAllBytesAsync(original, context.RequestAborted);
        DecodedFrame baseFrame, maskFrame;
        try
        {
            baseFrame = ImageDecoder.Decode(originalBytes).First;
            maskFrame = ImageDecoder.Decode(upload.Bytes).First;
        }
        catch (InvalidImageException ex)
        {
            await JsonResults.SimpleError(context, ex.Message);
            return null;
        }
        if (baseFrame.Width != maskFrame.Width || baseFrame.Height != maskFrame.Height)
        {
            await JsonResults.SimpleError(context, "The mask and the original image differ in size.");
            return null;
        }
        var rgba = (byte[])baseFrame.Rgba.Clone();
        // mask.convert("RGBA").getchannel("A"): 255 without alpha, a tRNS colour transparent.
        for (var i = 3; i < rgba.Length; i += 4) rgba[i] = maskFrame.Rgba[i];
        var texts = new List<KeyValuePair<string, string>>();
        if (SixteenBitPng.TryReadHeader(originalBytes, out _))
        {
            foreach (var pair in PngText.Read(originalBytes)) texts.Add(pair);
        }
        return PngText.Insert(ImageEncoder.Png(rgba, baseFrame.Width, baseFrame.Height, 4, compressLevel: 4), texts);
    }
}
