using System.Net;
using ComfySharp.Nodes.Image.Codec;
using ComfySharp.Server.Tests.Infrastructure;

namespace ComfySharp.Nodes.Image.Tests.Routes;

/// <summary>/upload/image, /upload/mask and /view as ComfyUI's frontend uses them, through a real server.</summary>
public sealed class UploadAndViewTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await TestServer.StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private string Input => Path.Combine(_server.Folder, "input");

    [Fact]
    public async Task An_uploaded_image_is_served_back_byte_for_byte()
    {
        var ct = TestContext.Current.CancellationToken;
        var png = Fixtures.Png(6, 4);
        var (status, body) = await Fixtures.UploadAsync(_server, "/upload/image", Fixtures.Upload(png, "round.png"), ct);
        Assert.Equal(200, status);
        Assert.Equal("""{"name":"round.png","subfolder":"","type":"input"}""", body!.ToJsonString());

        using var response = await _server.Http.GetAsync("/view?filename=round.png&type=input", ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("filename=\"round.png\"", string.Join(",", response.Content.Headers.GetValues("Content-Disposition")));
        Assert.Equal(png, await response.Content.ReadAsByteArrayAsync(ct));
        // The /api prefix reaches the same routes.
        using var api = await _server.Http.GetAsync("/api/view?filename=round.png&type=input", ct);
        Assert.Equal(png, await api.Content.ReadAsByteArrayAsync(ct));
    }

    [Fact]
    public async Task Same_name_reuses_identical_content_renames_different_content_and_overwrites_on_request()
    {
        var ct = TestContext.Current.CancellationToken;
        var first = Fixtures.Png(3, 3, seed: 1);
        var second = Fixtures.Png(3, 3, seed: 2);
        Assert.Equal("dup.png", (string?)(await Fixtures.UploadAsync(_server, "/upload/image", Fixtures.Upload(first, "dup.png"), ct)).Body!["name"]);
        Assert.Equal("dup.png", (string?)(await Fixtures.UploadAsync(_server, "/upload/image", Fixtures.Upload(first, "dup.png"), ct)).Body!["name"]);
        Assert.Equal("dup (1).png", (string?)(await Fixtures.UploadAsync(_server, "/upload/image", Fixtures.Upload(second, "dup.png"), ct)).Body!["name"]);
        Assert.Equal("dup (1).png", (string?)(await Fixtures.UploadAsync(_server, "/upload/image", Fixtures.Upload(second, "dup.png"), ct)).Body!["name"]);
        var third = Fixtures.Png(3, 3, seed: 3);
        Assert.Equal("dup (2).png", (string?)(await Fixtures.UploadAsync(_server, "/upload/image", Fixtures.Upload(third, "dup.png"), ct)).Body!["name"]);
        Assert.Equal(first, await File.ReadAllBytesAsync(Path.Combine(Input, "dup.png"), ct));

        var (status, body) = await Fixtures.UploadAsync(_server, "/upload/image", Fixtures.Upload(second, "dup.png", ("overwrite", "true")), ct);
        Assert.Equal(200, status);
        Assert.Equal("dup.png", (string?)body!["name"]);
        Assert.Equal(second, await File.ReadAllBytesAsync(Path.Combine(Input, "dup.png"), ct));
        Assert.DoesNotContain(Fixtures.Files(Input), f => f.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Subfolder_and_type_place_the_file_and_view_finds_it_there()
    {
        var ct = TestContext.Current.CancellationToken;
        var png = Fixtures.Png(2, 5);
        var (status, body) = await Fixtures.UploadAsync(_server, "/upload/image",
            Fixtures.Upload(png, "nested.png", ("subfolder", "a/b"), ("type", "temp")), ct);
        Assert.Equal(200, status);
        Assert.Equal("""{"name":"nested.png","subfolder":"a/b","type":"temp"}""", body!.ToJsonString());
        Assert.True(File.Exists(Path.Combine(_server.Folder, "temp", "a", "b", "nested.png")));
        using var response = await _server.Http.GetAsync("/view?filename=nested.png&type=temp&subfolder=a/b", ct);
        Assert.Equal(png, await response.Content.ReadAsByteArrayAsync(ct));
        // An annotated name picks the folder and overrides type.
        using var annotated = await _server.Http.GetAsync("/view?filename=" + Uri.EscapeDataString("nested.png [temp]") + "&type=output&subfolder=a/b", ct);
        Assert.Equal(png, await annotated.Content.ReadAsByteArrayAsync(ct));
    }

    [Fact]
    public async Task Channels_and_previews_are_reencoded_with_their_content_types()
    {
        var ct = TestContext.Current.CancellationToken;
        var png = Fixtures.Png(5, 3, alpha: true);
        await Fixtures.UploadAsync(_server, "/upload/image", Fixtures.Upload(png, "alpha.png"), ct);
        var source = ImageDecoder.Decode(png).First;

        var rgb = await GetImageAsync("/view?filename=alpha.png&type=input&channel=rgb", "image/png", ct);
        Assert.False(rgb.HasAlpha);
        Assert.Equal(Pixels.RgbaToRgb(source.Rgba), Pixels.RgbaToRgb(rgb.Rgba));

        var a = await GetImageAsync("/view?filename=alpha.png&type=input&channel=a", "image/png", ct);
        for (var i = 0; i < a.Rgba.Length; i += 4)
        {
            Assert.Equal([0, 0, 0, source.Rgba[i + 3]], a.Rgba.AsSpan(i, 4).ToArray());
        }

        var webp = await GetImageAsync("/view?filename=alpha.png&type=input&preview=webp;80", "image/webp", ct);
        Assert.Equal((5, 3), (webp.Width, webp.Height));
        var jpeg = await GetImageAsync("/view?filename=alpha.png&type=input&preview=jpeg;50", "image/jpeg", ct);
        Assert.False(jpeg.HasAlpha);
        // An unknown preview format or a channel with alpha gives WEBP.
        await GetImageAsync("/view?filename=alpha.png&type=input&preview=gif", "image/webp", ct);
        await GetImageAsync("/view?filename=alpha.png&type=input&preview=jpeg;90&channel=rgba", "image/webp", ct);
    }

    [Fact]
    public async Task A_mask_upload_applies_its_alpha_to_the_original_and_keeps_its_text_chunks()
    {
        var ct = TestContext.Current.CancellationToken;
        var original = PngText.Insert(Fixtures.Png(4, 4), [new("workflow", "{\"nodes\": []}")]);
        await File.WriteAllBytesAsync(Path.Combine(_server.Folder, "output", "orig.png"), original, ct);
        var maskPixels = new byte[4 * 4 * 4];
        for (var i = 0; i < 16; i++) maskPixels[i * 4 + 3] = (byte)(i * 16);
        var mask = ImageEncoder.Png(maskPixels, 4, 4, 4);

        var (status, body) = await Fixtures.UploadAsync(_server, "/upload/mask", Fixtures.Upload(mask, "clipspace-mask.png",
            ("original_ref", """{"filename":"orig.png","subfolder":"","type":"output"}"""), ("subfolder", "clipspace")), ct);
        Assert.Equal(200, status);
        Assert.Equal("""{"name":"clipspace-mask.png","subfolder":"clipspace","type":"input"}""", body!.ToJsonString());

        var saved = await File.ReadAllBytesAsync(Path.Combine(Input, "clipspace", "clipspace-mask.png"), ct);
        var frame = ImageDecoder.Decode(saved).First;
        var source = ImageDecoder.Decode(original).First;
        for (var i = 0; i < 16; i++)
        {
            Assert.Equal(source.Rgba.AsSpan(i * 4, 3).ToArray(), frame.Rgba.AsSpan(i * 4, 3).ToArray());
            Assert.Equal((byte)(i * 16), frame.Rgba[i * 4 + 3]);
        }
        Assert.Equal("{\"nodes\": []}", PngText.Read(saved)["workflow"]);

        var missing = await Fixtures.UploadAsync(_server, "/upload/mask", Fixtures.Upload(mask, "m2.png",
            ("original_ref", """{"filename":"nope.png","type":"output"}""")), ct);
        Assert.Equal(400, missing.Status);
        var escape = await Fixtures.UploadAsync(_server, "/upload/mask", Fixtures.Upload(mask, "m3.png",
            ("original_ref", """{"filename":"../orig.png","subfolder":"","type":"output"}""")), ct);
        Assert.Equal(400, escape.Status);
        Assert.False(File.Exists(Path.Combine(Input, "m2.png")));
        Assert.False(File.Exists(Path.Combine(Input, "m3.png")));
    }

    [Fact]
    public async Task Object_info_lists_uploaded_images_for_LoadImage()
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, before) = await _server.GetJsonAsync("/object_info/LoadImage", ct);
        Assert.Equal(["IMAGE", "MASK"], before!["LoadImage"]!["output"]!.AsArray().Select(n => (string)n!));
        await Fixtures.UploadAsync(_server, "/upload/image", Fixtures.Upload(Fixtures.Png(2, 2), "listed.png"), ct);
        await File.WriteAllTextAsync(Path.Combine(Input, "notes.txt"), "not an image", ct);
        var (_, all) = await _server.GetJsonAsync("/object_info", ct);
        var choices = all!["LoadImage"]!["input"]!["required"]!["image"]![0]!.AsArray().Select(n => (string)n!).ToList();
        Assert.Contains("listed.png", choices);
        Assert.DoesNotContain("notes.txt", choices);
        Assert.True((bool)all["LoadImage"]!["input"]!["required"]!["image"]![1]!["image_upload"]!);
    }

    [Fact]
    public async Task View_answers_404_for_missing_files_and_missing_filename()
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(HttpStatusCode.NotFound, (await _server.Http.GetAsync("/view?filename=absent.png", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _server.Http.GetAsync("/view", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _server.Http.GetAsync("/view?filename=", ct)).StatusCode);
    }

    private async Task<DecodedFrame> GetImageAsync(string url, string contentType, CancellationToken ct)
    {
        using var response = await _server.Http.GetAsync(url, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("filename=", string.Join(",", response.Content.Headers.GetValues("Content-Disposition")), StringComparison.Ordinal);
        return ImageDecoder.Decode(await response.Content.ReadAsByteArrayAsync(ct)).First;
    }
}
