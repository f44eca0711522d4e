using System.Text.Json.Nodes;
using ComfySharp.Diffusion.Tests.Infrastructure;
using ComfySharp.Nodes.Diffusion.Models;
using ComfySharp.Nodes.Image.Codec;
using ComfySharp.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ComfySharp.Nodes.Diffusion.Tests.EndToEnd;

/// <summary>
/// The LoRA workflow (Workflows/lora.json: CheckpointLoaderSimple → LoraLoader → CLIPTextEncode ×2 → KSampler → VAEDecode →
/// SaveImage) run through the server on the tiny checkpoint and a tiny kohya LoRA: events, the saved PNG's metadata,
/// determinism, and a LoRA at strength 0 giving the checkpoint's own picture.
/// </summary>
public sealed class LoraWorkflowTests(DiffusionServer server) : IClassFixture<DiffusionServer>
{
    private static readonly JsonObject Extra = new()
    {
        ["extra_data"] = new JsonObject { ["extra_pnginfo"] = new JsonObject { ["workflow"] = new JsonObject { ["nodes"] = new JsonArray(), ["version"] = 0.4 } } },
    };

    private static JsonObject Workflow() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Workflows", "lora.json")))!.AsObject();

    private static JsonObject WithStrengths(double model, double clip)
    {
        var prompt = Workflow();
        prompt["10"]!["inputs"]!["strength_model"] = model;
        prompt["10"]!["inputs"]!["strength_clip"] = clip;
        return prompt;
    }

    private async Task<(List<JsonObject> Events, byte[] Png)> RunAsync(JsonObject prompt, string clientId, CancellationToken ct)
    {
        var (events, history) = await server.RunAsync(prompt.ToJsonString(), clientId, ct, Extra);
        Assert.True(Events.Types(events).Contains("execution_success"), Events.First(events, "execution_error")?.ToJsonString());
        var image = history["outputs"]!["9"]!["images"]![0]!;
        Assert.Equal("output", (string?)image["type"]);
        var path = Path.Combine(server.Server.Folder, "output", (string)image["subfolder"]!, (string)image["filename"]!);
        return (events, await File.ReadAllBytesAsync(path, ct));
    }

    private static byte[] Pixels(byte[] png) => ImageDecoder.Decode(png).First.Rgba;

    [Fact]
    public async Task Lora_workflow_saves_its_metadata_repeats_exactly_and_at_strength_zero_is_the_plain_checkpoint()
    {
        var ct = TestContext.Current.CancellationToken;
        var loras = Path.Combine(server.Models, "loras");
        Directory.CreateDirectory(loras);
        TinyLora.Write(Path.Combine(loras, "tiny-lora.safetensors"), TinyLora.Kohya, seed: 5);

        var (events, png) = await RunAsync(Workflow(), "lora-workflow", ct);
        Assert.Equal(["10", "3", "4", "5", "6", "7", "8", "9"], Events.Ran(events).Order(StringComparer.Ordinal));
        var progress = events.Where(e => (string?)e["type"] == "progress" && (string?)e["data"]!["node"] == "3").ToList();
        Assert.Equal(1, (int)progress[0]["data"]!["value"]!);
        Assert.Equal(3, (int)progress[^1]["data"]!["value"]!);
        Assert.All(progress, p => Assert.Equal(3, (int)p["data"]!["max"]!));
        var executed = Events.First(events, "executed");
        Assert.Equal("9", (string?)executed!["data"]!["node"]);

        var text = PngText.Read(png);
        var saved = JsonNode.Parse(text["prompt"])!;
        Assert.Equal("LoraLoader", (string?)saved["10"]!["class_type"]);
        Assert.Equal("tiny-lora.safetensors", (string?)saved["10"]!["inputs"]!["lora_name"]);
        Assert.Equal("[\"10\",0]", saved["3"]!["inputs"]!["model"]!.ToJsonString());
        Assert.Equal(0.4, (double)JsonNode.Parse(text["workflow"])!["version"]!);

        // Nothing cached and every model loaded again (the LoRA merged again): the same bytes.
        var cache = server.Server.Server.Services.GetRequiredService<ModelCache>();
        var (status, _) = await server.Server.PostJsonAsync("/free", new JsonObject { ["unload_models"] = true, ["free_memory"] = true }, ct);
        Assert.Equal(200, status);
        while (cache.LoadedCount > 0) await Task.Delay(10, ct);
        var (again, repeated) = await RunAsync(Workflow(), "lora-workflow-again", ct);
        Assert.Contains("10", Events.Ran(again));
        Assert.Equal(png, repeated);

        // Strength 0 on both sides is the checkpoint itself; the LoRA on the model alone or the text encoder alone changes the picture.
        var plain = Workflow();
        plain.Remove("10");
        foreach (var node in (string[])["6", "7"]) plain[node]!["inputs"]!["clip"] = new JsonArray("4", 1);
        plain["3"]!["inputs"]!["model"] = new JsonArray("4", 0);
        var (_, plainPng) = await RunAsync(plain, "lora-workflow-plain", ct);
        var (_, zeroPng) = await RunAsync(WithStrengths(0, 0), "lora-workflow-zero", ct);
        Assert.Equal(Pixels(plainPng), Pixels(zeroPng));
        Assert.NotEqual(Pixels(plainPng), Pixels(png));
        var (_, modelOnly) = await RunAsync(WithStrengths(1, 0), "lora-workflow-model", ct);
        Assert.NotEqual(Pixels(plainPng), Pixels(modelOnly));
        var (_, clipOnly) = await RunAsync(WithStrengths(0, 1), "lora-workflow-clip", ct);
        Assert.NotEqual(Pixels(plainPng), Pixels(clipOnly));
        Assert.NotEqual(Pixels(modelOnly), Pixels(clipOnly));
    }
}
