using System.Net;
using ComfySharp.Server.Tests.Infrastructure;

namespace ComfySharp.Nodes.Image.Tests.Routes;

/// <summary>
/// Issue §5: no request reads or writes outside the input, output and temp folders. A secret sits next to them (in the base
/// folder) and another in an unrelated folder; links inside the output folder point at both.
/// </summary>
public sealed class PathEscapeTests : IAsyncLifetime
{
    private const string Secret = "top secret, not an image";
    private TestServer _server = null!;
    private TempFolder _outside = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _outside = new TempFolder();
        await File.WriteAllTextAsync(Path.Combine(_server.Folder, "secret.txt"), Secret);
        await File.WriteAllTextAsync(_outside.File("secret.txt"), Secret);
        await File.WriteAllBytesAsync(_outside.File("outside.png"), Fixtures.Png(2, 2));
        var output = Path.Combine(_server.Folder, "output");
        File.CreateSymbolicLink(Path.Combine(output, "link.txt"), _outside.File("secret.txt"));
        File.CreateSymbolicLink(Path.Combine(output, "link.png"), _outside.File("outside.png"));
        Directory.CreateSymbolicLink(Path.Combine(output, "linkdir"), _outside.Path);
        Directory.CreateSymbolicLink(Path.Combine(_server.Folder, "input", "up"), _outside.Path);
        Directory.CreateDirectory(Path.Combine(output, "inner"));
        await File.WriteAllBytesAsync(Path.Combine(output, "inner", "ok.png"), Fixtures.Png(2, 2));
        // A link that stays inside is fine.
        Directory.CreateSymbolicLink(Path.Combine(output, "alias"), Path.Combine(output, "inner"));
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _outside.Dispose();
    }

    public static TheoryData<string> EscapingViews => new()
    {
        "filename=../secret.txt",
        "filename=..%2Fsecret.txt",
        "filename=%2E%2E%2Fsecret.txt",
        "filename=....//secret.txt",
        "filename=/etc/passwd",
        "filename=%2Fetc%2Fpasswd",
        "filename=..%5Csecret.txt",
        "filename=..\\secret.txt",
        "filename=C:%5CWindows%5Cwin.ini",
        "filename=secret.txt%00.png",
        "filename=ok.png%00&subfolder=inner",
        "filename=secret.txt&subfolder=..",
        "filename=secret.txt&subfolder=../",
        "filename=secret.txt&subfolder=%2E%2E",
        "filename=secret.txt&subfolder=inner/../..",
        "filename=passwd&subfolder=/etc",
        "filename=passwd&subfolder=%2Fetc",
        "filename=secret.txt&subfolder=..%5C",
        "filename=secret.txt&subfolder=linkdir",
        "filename=outside.png&subfolder=linkdir",
        "filename=link.txt",
        "filename=link.png",
        "filename=link.png&preview=webp",
        "filename=link.png&channel=rgb",
        "filename=secret.txt&type=..",
        "filename=secret.txt&type=models",
        "filename=secret.txt&type=user",
        "filename=secret.txt&type=base",
        "filename=comfysharp.db&type=user",
        "filename=secret.txt%20[base]",
        "filename=..%2Fsecret.txt%20[output]",
    };

    [Theory]
    [MemberData(nameof(EscapingViews))]
    public async Task View_never_serves_a_file_outside_the_folders(string query)
    {
        var ct = TestContext.Current.CancellationToken;
        using var response = await _server.Http.GetAsync("/view?" + query, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        Assert.DoesNotContain(Secret, body, StringComparison.Ordinal);
        Assert.Contains((int)response.StatusCode, new[] { 400, 403, 404 });
        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task View_rejects_over_long_names_and_allows_links_that_stay_inside()
    {
        var ct = TestContext.Current.CancellationToken;
        using var tooLong = await _server.Http.GetAsync("/view?filename=" + new string('a', 300) + ".png", ct);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        using var inside = await _server.Http.GetAsync("/view?filename=ok.png&subfolder=alias", ct);
        Assert.Equal(HttpStatusCode.OK, inside.StatusCode);
    }

    public static TheoryData<string, string, string> EscapingUploads => new()
    {
        { "../evil.png", "", "input" },
        { "../../evil.png", "", "input" },
        { "/tmp/evil.png", "", "input" },
        { "..\\evil.png", "", "input" },
        { "C:\\evil.png", "", "input" },
        { "evil\0.png", "", "input" },
        { "sub/evil.png", "", "input" },
        { "evil.png", "..", "input" },
        { "evil.png", "../..", "input" },
        { "evil.png", "a/../../x", "input" },
        { "evil.png", "/tmp", "input" },
        { "evil.png", "..\\..", "input" },
        { "evil.png", "up", "input" },
        { "evil.png", "up/deeper", "input" },
        { "evil.png", "", "models" },
        { "evil.png", "", "user" },
        { "evil.png", "", "../input" },
        { "evil.png", "a\0b", "input" },
        { ".", "", "input" },
        { "..", "", "input" },
        { "evil.png", "", "input\0" },
        { "evil.png", "", "INPUT" },
        { "evil.png", "up/../..", "input" },
    };

    [Theory]
    [MemberData(nameof(EscapingUploads))]
    public async Task Upload_never_writes_outside_the_folders(string fileName, string subfolder, string type)
    {
        var ct = TestContext.Current.CancellationToken;
        var before = Snapshot();
        var (status, _) = await Fixtures.UploadAsync(_server, "/upload/image",
            Fixtures.Upload(Fixtures.Png(2, 2), fileName, ("subfolder", subfolder), ("type", type)), ct);
        Assert.Equal(400, status);
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public async Task Upload_of_an_over_long_name_is_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        var before = Snapshot();
        var (status, _) = await Fixtures.UploadAsync(_server, "/upload/image", Fixtures.Upload(Fixtures.Png(2, 2), new string('x', 256) + ".png"), ct);
        Assert.Equal(400, status);
        Assert.Equal(before, Snapshot());
    }

    [Theory]
    [InlineData("<html><script>alert(1)</script></html>", "page.png")]
    [InlineData("", "empty.png")]
    [InlineData("\u0089PNG\r\n\u001a\n truncated", "broken.png")]
    public async Task Files_that_are_not_images_get_400_and_leave_nothing_on_disk(string content, string name)
    {
        var ct = TestContext.Current.CancellationToken;
        var before = Snapshot();
        var (status, _) = await Fixtures.UploadAsync(_server, "/upload/image",
            Fixtures.Upload(System.Text.Encoding.Latin1.GetBytes(content), name, ("subfolder", "fresh/sub")), ct);
        Assert.Equal(400, status);
        Assert.Equal(before, Snapshot());
        Assert.False(Directory.Exists(Path.Combine(_server.Folder, "input", "fresh")));
    }

    [Fact]
    public async Task Requests_without_a_file_get_400()
    {
        var ct = TestContext.Current.CancellationToken;
        using var noFile = new MultipartFormDataContent { { new StringContent("x"), "subfolder" } };
        Assert.Equal(400, (await Fixtures.UploadAsync(_server, "/upload/image", noFile, ct)).Status);
        using var notForm = new StringContent("{}");
        using var response = await _server.Http.PostAsync("/upload/image", notForm, ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);

        // A multipart body that ends inside a part (and one with no boundary line at all): 400, not 500.
        foreach (var body in (string[])["garbage", "--xyz\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\n\r\nPNG"])
        {
            using var truncated = new StringContent(body);
            truncated.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=xyz");
            using var answer = await _server.Http.PostAsync("/upload/image", truncated, ct);
            Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
            Assert.Contains("Malformed form body", await answer.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        }
    }

    private List<string> Snapshot() => [.. Fixtures.Files(_server.Folder).Where(f => !f.StartsWith("user", StringComparison.Ordinal)), .. Fixtures.Files(_outside.Path).Select(f => "outside/" + f), .. Fixtures.Files("/tmp").Where(f => f.StartsWith("evil", StringComparison.Ordinal))];
}
