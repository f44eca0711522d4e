using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ComfySharp.Server.Tests.Infrastructure;

namespace ComfySharp.Server.Tests;

public sealed class HttpTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await TestServer.StartAsync(o => o.MaxUploadSize = 1);

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Theory]
    [InlineData("/prompt")]
    [InlineData("/api/prompt")]
    [InlineData("/queue")]
    [InlineData("/api/queue")]
    [InlineData("/history")]
    [InlineData("/system_stats")]
    [InlineData("/api/features")]
    [InlineData("/embeddings")]
    [InlineData("/extensions")]
    [InlineData("/models")]
    [InlineData("/api/models/checkpoints")]
    [InlineData("/object_info/PrimitiveString")]
    public async Task Routes_answer_with_and_without_api_prefix(string path)
    {
        var (status, body) = await _server.GetJsonAsync(path, TestContext.Current.CancellationToken);
        Assert.Equal(200, status);
        Assert.NotNull(body);
    }

    [Fact]
    public async Task Object_info_is_generated_from_the_schemas()
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, all) = await _server.GetJsonAsync("/object_info", ct);
        var info = all!["StringConcatenate"]!;
        Assert.Equal("STRING", (string?)info["output"]![0]);
        Assert.Equal("STRING", (string?)info["input"]!["required"]!["string_a"]![0]);
        Assert.Contains("string_a", info["input_order"]!["required"]!.AsArray().Select(n => (string)n!));
        Assert.True((bool)all["PreviewAny"]!["output_node"]!);
        Assert.Empty((await _server.GetJsonAsync("/object_info/NoSuchNode", ct)).Body!.AsObject());
    }

    [Fact]
    public async Task Unknown_model_folder_is_404_and_files_are_listed()
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(404, (await _server.GetJsonAsync("/models/not_a_folder", ct)).Status);
        var folder = Path.Combine(_server.Folder, "models", "checkpoints", "sub");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "a.safetensors"), "x", ct);
        await File.WriteAllTextAsync(Path.Combine(folder, "notes.txt"), "x", ct);
        var (_, files) = await _server.GetJsonAsync("/models/checkpoints", ct);
        Assert.Equal(["sub/a.safetensors"], files!.AsArray().Select(n => (string)n!));
    }

    [Fact]
    public async Task Oversized_body_gets_413()
    {
        var ct = TestContext.Current.CancellationToken;
        var big = "{\"prompt\": {}, \"pad\": \"" + new string('x', 2 * 1024 * 1024) + "\"}";
        var (status, _) = await _server.PostRawAsync("/prompt", big, ct);
        Assert.Equal(413, status);
    }

    [Fact]
    public async Task Cross_origin_browser_requests_to_a_loopback_server_are_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        using var evil = new HttpRequestMessage(HttpMethod.Get, "/prompt");
        evil.Headers.Add("Origin", "http://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, (await _server.Http.SendAsync(evil, ct)).StatusCode);

        using var crossSite = new HttpRequestMessage(HttpMethod.Get, "/prompt");
        crossSite.Headers.Add("Sec-Fetch-Site", "cross-site");
        Assert.Equal(HttpStatusCode.Forbidden, (await _server.Http.SendAsync(crossSite, ct)).StatusCode);

        using var same = new HttpRequestMessage(HttpMethod.Get, "/prompt");
        same.Headers.Add("Origin", _server.BaseAddress.GetLeftPart(UriPartial.Authority));
        Assert.Equal(HttpStatusCode.OK, (await _server.Http.SendAsync(same, ct)).StatusCode);
    }

    [Fact]
    public async Task Cors_mode_answers_options_and_adds_headers()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cors = await TestServer.StartAsync(o => { o.EnableCorsHeader = "*"; o.Ephemeral = true; });
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/prompt");
        preflight.Headers.Add("Origin", "http://elsewhere.example");
        using var response = await cors.Http.SendAsync(preflight, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        using var get = new HttpRequestMessage(HttpMethod.Get, "/prompt");
        get.Headers.Add("Origin", "http://elsewhere.example");
        using var answer = await cors.Http.SendAsync(get, ct);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Contains("PATCH", answer.Headers.GetValues("Access-Control-Allow-Methods").Single());
    }

    [Fact]
    public async Task Interrupt_and_free_tolerate_empty_bodies_and_queue_rejects_bad_json()
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(200, (await _server.PostRawAsync("/interrupt", "", ct)).Status);
        Assert.Equal(200, (await _server.PostRawAsync("/interrupt", "{garbage", ct)).Status);
        Assert.Equal(200, (await _server.PostJsonAsync("/free", new JsonObject { ["free_memory"] = true }, ct)).Status);
        Assert.Equal(400, (await _server.PostRawAsync("/queue", "{garbage", ct)).Status);
        Assert.Equal(400, (await _server.PostRawAsync("/history", "[]", ct)).Status);
    }

    [Fact]
    public async Task System_stats_and_features_have_ComfyUI_shapes()
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, stats) = await _server.GetJsonAsync("/system_stats", ct);
        Assert.Equal("linux", (string?)stats!["system"]!["os"]);
        Assert.True((long)stats["system"]!["ram_total"]! > 0);
        Assert.Equal("cpu", (string?)stats["devices"]![0]!["type"]);
        var (_, features) = await _server.GetJsonAsync("/features", ct);
        Assert.True((bool)features!["supports_preview_metadata"]!);
        Assert.Equal(1048576.0, (double)features["max_upload_size"]!);
    }

    [Fact]
    public async Task A_stalled_client_never_delays_execution_or_other_clients()
    {
        var ct = TestContext.Current.CancellationToken;
        // The reader reads while the prompts are posted, as a live client does; only the stalled socket lags. The default
        // outbox: a small one can overflow for a reader that is merely slow on a loaded machine (the drop itself is
        // covered by ClientSessionTests).
        await using var server = await TestServer.StartAsync(o => o.Ephemeral = true);
        // Never read from this socket: its kernel buffers fill and then frames wait in its outbox, not in the engine.
        await using var stalled = await server.ConnectAsync("stalled", ct);
        await using var ws = await server.ConnectAsync("reader", ct);
        await ws.ReceiveJsonAsync(ct);
        const int count = 200;
        var reading = Task.Run(async () =>
        {
            var types = new List<string>();
            for (var done = 0; done < count;)
            {
                var e = await ws.ReceiveJsonAsync(ct);
                types.Add((string)e["type"]!);
                if ((string?)e["type"] == "executing" && e["data"]!["node"] is null) done++;
            }
            return types;
        }, ct);
        for (var i = 0; i < count; i++) await server.QueueAsync(Prompts.Trivial("s" + i), "reader", ct);
        var seen = await reading;
        Assert.Equal(count, seen.Count(t => t == "execution_success"));
        Assert.Equal(0, (int)(await server.GetJsonAsync("/prompt", ct)).Body!["exec_info"]!["queue_remaining"]!);
    }
}
