using ComfySharp.Server.Tests.Infrastructure;

namespace ComfySharp.Nodes.Image.Tests.Routes;

/// <summary><c>--max-upload-size</c>: larger uploads get 413 and leave nothing on disk.</summary>
public sealed class UploadLimitTests
{
    [Fact]
    public async Task An_upload_over_the_limit_gets_413_and_writes_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await TestServer.StartAsync(o => o.MaxUploadSize = 0.05);
        var input = Path.Combine(server.Folder, "input");
        var big = new byte[80 * 1024];
        Fixtures.Png(2, 2).CopyTo(big, 0);
        var (status, _) = await Fixtures.UploadAsync(server, "/upload/image", Fixtures.Upload(big, "big.png"), ct);
        Assert.Equal(413, status);
        Assert.Empty(Fixtures.Files(input));

        var (small, body) = await Fixtures.UploadAsync(server, "/upload/image", Fixtures.Upload(Fixtures.Png(8, 8), "small.png"), ct);
        Assert.Equal(200, small);
        Assert.Equal("small.png", (string?)body!["name"]);
    }
}
