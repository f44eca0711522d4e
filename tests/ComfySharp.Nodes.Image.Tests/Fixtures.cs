using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using ComfySharp.Nodes.Image.Codec;
using ComfySharp.Server.Tests.Infrastructure;

namespace ComfySharp.Nodes.Image.Tests;

/// <summary>Small images made by the tests themselves, and the multipart requests ComfyUI's frontend sends.</summary>
internal static class Fixtures
{
    /// <summary>A width×height RGB or RGBA PNG whose pixels follow a fixed formula.</summary>
    public static byte[] Png(int width, int height, bool alpha = false, int seed = 0)
    {
        var channels = alpha ? 4 : 3;
        var pixels = Pixels(width, height, channels, seed);
        return ImageEncoder.Png(pixels, width, height, channels);
    }

    public static byte[] Pixels(int width, int height, int channels, int seed = 0)
    {
        var pixels = new byte[width * height * channels];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var o = (y * width + x) * channels;
                pixels[o] = (byte)(x * 37 + seed);
                pixels[o + 1] = (byte)(y * 53 + seed * 3);
                pixels[o + 2] = (byte)((x + y) * 11 + 7);
                if (channels == 4) pixels[o + 3] = (byte)(255 - x * 20 - y * 3);
            }
        }
        return pixels;
    }

    public static HttpContent Upload(byte[] bytes, string fileName, params (string Name, string Value)[] fields)
    {
        // HttpClient refuses control characters in headers; a hostile client does not, so such names are written by hand.
        if (fileName.Any(char.IsControl) || fields.Any(f => f.Value.Any(char.IsControl))) return RawUpload(bytes, fileName, fields);
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "image", fileName);
        foreach (var (name, value) in fields) form.Add(new StringContent(value), name);
        return form;
    }

    private static ByteArrayContent RawUpload(byte[] bytes, string fileName, (string Name, string Value)[] fields)
    {
        const string boundary = "raw-boundary-7d1";
        using var body = new MemoryStream();
        void Write(string text) => body.Write(System.Text.Encoding.UTF8.GetBytes(text));
        Write($"--{boundary}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"{fileName}\"\r\nContent-Type: image/png\r\n\r\n");
        body.Write(bytes);
        Write("\r\n");
        foreach (var (name, value) in fields) Write($"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n");
        Write($"--{boundary}--\r\n");
        var content = new ByteArrayContent(body.ToArray());
        content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={boundary}");
        return content;
    }

    public static async Task<(int Status, JsonNode? Body)> UploadAsync(TestServer server, string route, HttpContent form, CancellationToken ct)
    {
        using var response = await server.Http.PostAsync(route, form, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        JsonNode? body = null;
        try
        {
            body = text.Length == 0 ? null : JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            body = JsonValue.Create(text);
        }
        return ((int)response.StatusCode, body);
    }

    /// <summary>Every file under <paramref name="folder"/>, relative, sorted.</summary>
    public static List<string> Files(string folder) => Directory.Exists(folder)
        ? [.. Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(folder, p)).Order(StringComparer.Ordinal)]
        : [];
}
