using System.Text.Json.Nodes;
using ComfySharp.Diffusion.Safetensors;
using ComfySharp.Diffusion.Tests.Infrastructure;
using ComfySharp.Server.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace ComfySharp.Nodes.Diffusion.Tests.EndToEnd;

/// <summary>
/// A real server with a tiny SD 1.x checkpoint (fp32 and fp16 copies) and a tiny tokenizer in its model folders; the warnings
/// it logs are kept.
/// </summary>
public sealed class DiffusionServer : IAsyncLifetime
{
    public TestServer Server { get; private set; } = null!;

    /// <summary>Every warning (or worse) the server logged, as formatted text.</summary>
    public LogCapture Logs { get; } = new();

    public string Models => Path.Combine(Server.Folder, "models");

    public async ValueTask InitializeAsync()
    {
        Server = await TestServer.StartAsync(nodes: r => r.Add<ProbeNode>().Add<LatentNode>(), logging: l => l.AddProvider(Logs));
        var checkpoints = Path.Combine(Models, "checkpoints");
        Directory.CreateDirectory(Path.Combine(checkpoints, "sd15"));
        TinyCheckpoint.Write(Path.Combine(checkpoints, "tiny.safetensors"), SafetensorsDType.F32);
        TinyCheckpoint.Write(Path.Combine(checkpoints, "sd15", "tiny-fp16.safetensors"), SafetensorsDType.F16);
        TinyVocabulary.WriteTo(Path.Combine(Models, "tokenizers", "sd1_tokenizer"));
    }

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();

    /// <summary>Runs a prompt to the end; returns the events and the history entry.</summary>
    public async Task<(List<JsonObject> Events, JsonObject History)> RunAsync(string promptJson, string clientId, CancellationToken ct,
        JsonObject? extra = null)
    {
        await using var ws = await Server.ConnectAsync(clientId, ct);
        // The greeting means the socket is registered: events of a prompt that fails fast are not sent before it is.
        await ws.ReceiveJsonAsync(ct);
        var promptId = await Server.QueueAsync(JsonNode.Parse(promptJson)!.AsObject(), clientId, ct, extra);
        var events = await ws.CollectUntilDoneAsync(promptId, ct);
        return (events, await Server.HistoryAsync(promptId, ct));
    }

    public static JsonObject Probe(JsonObject history, string node) => history["outputs"]![node]!["probe"]![0]!.AsObject();

    public static int[] Shape(JsonNode probe) => [.. probe["shape"]!.AsArray().Select(d => (int)d!)];
}
