using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ComfySharp.Client.Tests;

/// <summary>
/// UploadImageAsync, UploadMaskAsync and ViewAsync against a minimal Kestrel app implementing protocol.md §2.9–2.11's wire shape
/// (multipart fields image/overwrite/type/subfolder/original_ref; JSON {name, subfolder, type}; /view query), because ComfySharp's
/// own upload and view routes are built in another issue. Files are real files in a temp folder.
/// </summary>
public sealed class UploadViewTests : IAsyncLifetime
{
    private static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "comfysharp-client-files", Guid.NewGuid().ToString("N"));
    private readonly List<JsonObject> _maskRefs = [];
    private WebApplication _app = null!;
    private Uri _base = null!;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        _app = builder.Build();
        _app.MapPost("/upload/image", context => UploadAsync(context, mask: false));
        _app.MapPost("/upload/mask", context => UploadAsync(context, mask: true));
        _app.MapGet("/view", ViewAsync);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _base = new Uri(address + "/");
    }

    [Fact]
    public async Task Upload_then_view_returns_the_same_bytes()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var client = new ComfyClient(_base);
        var uploaded = await client.UploadImageAsync(new MemoryStream(Png), "dot.png", new UploadOptions { Subfolder = "sub" }, ct);
        Assert.Equal(new UploadedFile("dot.png", "sub", "input"), uploaded);
        Assert.Equal("sub/dot.png", uploaded.InputValue);
        Assert.Equal(Png, await client.ViewAsync(new OutputFile("dot.png", "sub", "input"), ct));
    }

    [Fact]
    public async Task A_second_upload_is_renamed_unless_overwrite()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var client = new ComfyClient(_base);
        await client.UploadImageAsync(new MemoryStream(Png), "a.png", cancellationToken: ct);
        var renamed = await client.UploadImageAsync(new MemoryStream([1, 2, 3]), "a.png", cancellationToken: ct);
        Assert.Equal("a (1).png", renamed.Name);
        var replaced = await client.UploadImageAsync(new MemoryStream([4, 5]), "a.png", new UploadOptions { Overwrite = true, Type = "temp" }, ct);
        Assert.Equal(new UploadedFile("a.png", "", "temp"), replaced);
        Assert.Equal([4, 5], await client.ViewAsync(new OutputFile("a.png", "", "temp"), ct));
    }

    [Fact]
    public async Task Mask_upload_sends_the_original_reference()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var client = new ComfyClient(_base);
        var original = new OutputFile("photo.png", "", "output");
        var uploaded = await client.UploadMaskAsync(new MemoryStream(Png), "mask.png", original, cancellationToken: ct);
        Assert.Equal("mask.png", uploaded.Name);
        var sent = Assert.Single(_maskRefs);
        Assert.Equal("photo.png", (string?)sent["filename"]);
        Assert.Equal("output", (string?)sent["type"]);
        Assert.Equal("", (string?)sent["subfolder"]);
    }

    [Fact]
    public async Task Errors_are_ComfyHttpExceptions()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var client = new ComfyClient(_base);
        var missing = await Assert.ThrowsAsync<ComfyHttpException>(() => client.ViewAsync(new OutputFile("none.png", "", "input"), ct));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var badType = await Assert.ThrowsAsync<ComfyHttpException>(() => client.ViewAsync(new OutputFile("x.png", "", "elsewhere"), ct));
        Assert.Equal(HttpStatusCode.BadRequest, badType.StatusCode);
        var escape = await Assert.ThrowsAsync<ComfyHttpException>(() =>
            client.UploadImageAsync(new MemoryStream(Png), "x.png", new UploadOptions { Subfolder = "../.." }, ct));
        Assert.Equal(HttpStatusCode.BadRequest, escape.StatusCode);
        await Assert.ThrowsAsync<ArgumentException>(() => client.UploadImageAsync(new MemoryStream(Png), "", cancellationToken: ct));
    }

    private async Task UploadAsync(HttpContext context, bool mask)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var file = form.Files["image"];
        if (file is null || file.FileName.Length == 0)
        {
            context.Response.StatusCode = 400;
            return;
        }
        var type = form["type"].ToString() is { Length: > 0 } t ? t : "input";
        var subfolder = form["subfolder"].ToString();
        var overwrite = form["overwrite"].ToString() is "true" or "1";
        var dir = Path.GetFullPath(Path.Combine(_folder, type, subfolder));
        if (!dir.StartsWith(Path.GetFullPath(Path.Combine(_folder, type)), StringComparison.Ordinal))
        {
            context.Response.StatusCode = 400;
            return;
        }
        if (mask)
        {
            lock (_maskRefs) _maskRefs.Add((JsonObject)JsonNode.Parse(form["original_ref"].ToString())!);
        }
        Directory.CreateDirectory(dir);
        var name = Path.GetFileName(file.FileName);
        for (var i = 1; !overwrite && File.Exists(Path.Combine(dir, name)); i++) name = $"{Path.GetFileNameWithoutExtension(file.FileName)} ({i}){Path.GetExtension(file.FileName)}";
        await using (var stream = File.Create(Path.Combine(dir, name))) await file.CopyToAsync(stream, context.RequestAborted);
        await context.Response.WriteAsJsonAsync(new JsonObject { ["name"] = name, ["subfolder"] = subfolder, ["type"] = type }, context.RequestAborted);
    }

    private async Task ViewAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var type = query["type"].ToString() is { Length: > 0 } t ? t : "output";
        if (type is not ("input" or "output" or "temp"))
        {
            context.Response.StatusCode = 400;
            return;
        }
        var path = Path.Combine(_folder, type, query["subfolder"].ToString(), Path.GetFileName(query["filename"].ToString()));
        if (!File.Exists(path))
        {
            context.Response.StatusCode = 404;
            return;
        }
        context.Response.ContentType = "image/png";
        await context.Response.SendFileAsync(path, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }
}
