using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ComfySharp.Engine.Nodes;
using ComfySharp.Server.Hosting;
using Microsoft.Extensions.Logging;

namespace ComfySharp.Server.Tests.Infrastructure;

/// <summary>A real ComfySharp server on a loopback port with its own temp folder; one per test or test class.</summary>
public sealed class TestServer : IAsyncDisposable
{
    private TestServer(ComfySharpServer server, string folder)
    {
        Server = server;
        Folder = folder;
        Http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public ComfySharpServer Server { get; }
    public string Folder { get; }
    public HttpClient Http { get; }
    public Uri BaseAddress => Server.BaseAddress;

    public static async Task<TestServer> StartAsync(Action<ServerOptions>? configure = null, Action<NodeRegistry>? nodes = null,
        string? folder = null, Action<ILoggingBuilder>? logging = null)
    {
        folder ??= Path.Combine(Path.GetTempPath(), "comfysharp-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var options = new ServerOptions { Port = 0, BaseDirectory = folder, Ephemeral = false };
        configure?.Invoke(options);
        var server = await ComfySharpServer.StartAsync(options, logging: l =>
        {
            l.SetMinimumLevel(LogLevel.Warning);
            logging?.Invoke(l);
        }, nodes: n =>
        {
            TestNodes.Register(n);
            nodes?.Invoke(n);
        });
        return new TestServer(server, folder);
    }

    public async Task<WsClient> ConnectAsync(string? clientId, CancellationToken ct)
    {
        var uri = new UriBuilder(BaseAddress) { Scheme = "ws", Path = "/ws", Query = clientId is null ? "" : "clientId=" + Uri.EscapeDataString(clientId) };
        return await WsClient.ConnectAsync(uri.Uri, ct);
    }

    public async Task<(int Status, JsonNode? Body)> PostJsonAsync(string path, JsonNode? body, CancellationToken ct) =>
        await PostRawAsync(path, body?.ToJsonString() ?? "", ct);

    public async Task<(int Status, JsonNode? Body)> PostRawAsync(string path, string body, CancellationToken ct)
    {
        using var content = new StringContent(body, Encoding.UTF8);
        // ComfyUI's own example scripts send JSON without a JSON content type; the server must not care.
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        using var response = await Http.PostAsync(path, content, ct);
        return ((int)response.StatusCode, await ReadJsonAsync(response, ct));
    }

    /// <summary>POSTs bytes as they are (a body that need not be UTF-8).</summary>
    public async Task<(int Status, JsonNode? Body)> PostBytesAsync(string path, byte[] body, CancellationToken ct)
    {
        using var content = new ByteArrayContent(body);
        using var response = await Http.PostAsync(path, content, ct);
        return ((int)response.StatusCode, await ReadJsonAsync(response, ct));
    }

    public async Task<(int Status, JsonNode? Body)> GetJsonAsync(string path, CancellationToken ct)
    {
        using var response = await Http.GetAsync(path, ct);
        return ((int)response.StatusCode, await ReadJsonAsync(response, ct));
    }

    /// <summary>POST /prompt; returns the prompt id (asserting 200).</summary>
    public async Task<string> QueueAsync(JsonObject prompt, string? clientId, CancellationToken ct, JsonObject? extra = null)
    {
        var request = new JsonObject { ["prompt"] = prompt.DeepClone() };
        if (clientId is not null) request["client_id"] = clientId;
        if (extra is not null)
        {
            foreach (var (k, v) in extra) request[k] = v?.DeepClone();
        }
        var (status, body) = await PostJsonAsync("/prompt", request, ct);
        if (status != 200) throw new InvalidOperationException($"POST /prompt answered {status}: {body?.ToJsonString()}");
        return (string)body!["prompt_id"]!;
    }

    public async Task<JsonObject> HistoryAsync(string promptId, CancellationToken ct)
    {
        var (_, body) = await GetJsonAsync($"/history/{promptId}", ct);
        return (JsonObject)body![promptId]!;
    }

    private static async Task<JsonNode?> ReadJsonAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        if (text.Length == 0) return null;
        try
        {
            return JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            return JsonValue.Create(text);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
