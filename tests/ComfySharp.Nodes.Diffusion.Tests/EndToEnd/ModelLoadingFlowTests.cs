using System.Text.Json.Nodes;
using ComfySharp.Nodes.Diffusion.Models;
using ComfySharp.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ComfySharp.Nodes.Diffusion.Tests.EndToEnd;

/// <summary>Prompts queued back to back that start by loading the same checkpoint load it once (the server's model cache counts loads).</summary>
public sealed class ModelLoadingFlowTests(DiffusionServer server) : IClassFixture<DiffusionServer>
{
    private static string Prompt(string text) => $$$"""
    {
      "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "tiny.safetensors"}},
      "2": {"class_type": "CLIPTextEncode", "inputs": {"text": "{{{text}}}", "clip": ["1", 1]}},
      "3": {"class_type": "EmptyLatentImage", "inputs": {"width": 16, "height": 16, "batch_size": 1}},
      "4": {"class_type": "KSampler", "inputs": {"seed": 3, "steps": 1, "cfg": 1.0, "sampler_name": "euler", "scheduler": "normal", "denoise": 1.0, "model": ["1", 0], "positive": ["2", 0], "negative": ["2", 0], "latent_image": ["3", 0]}},
      "5": {"class_type": "CsDiffusionProbe", "inputs": {"value": ["4", 0]}}
    }
    """;

    [Fact]
    public async Task Two_prompts_queued_together_load_the_checkpoint_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var cache = server.Server.Server.Services.GetRequiredService<ModelCache>();
        var (status, _) = await server.Server.PostJsonAsync("/free", new JsonObject { ["unload_models"] = true, ["free_memory"] = true }, ct);
        Assert.Equal(200, status);
        while (cache.LoadedCount > 0) await Task.Delay(10, ct);
        var before = cache.LoadCount;

        await using var ws = await server.Server.ConnectAsync("load-once", ct);
        await ws.ReceiveJsonAsync(ct);
        var first = await server.Server.QueueAsync(JsonNode.Parse(Prompt("a cat"))!.AsObject(), "load-once", ct);
        var second = await server.Server.QueueAsync(JsonNode.Parse(Prompt("a dog"))!.AsObject(), "load-once", ct);
        var events = await ws.CollectUntilDoneAsync(first, ct);
        events.AddRange(await ws.CollectUntilDoneAsync(second, ct));
        Assert.Equal(2, Events.Types(events).Count(t => t == "execution_success"));
        Assert.Equal(before + 1, cache.LoadCount);
    }
}
