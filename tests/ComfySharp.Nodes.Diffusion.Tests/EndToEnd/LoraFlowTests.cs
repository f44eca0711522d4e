using System.Text.Json.Nodes;
using ComfySharp.Diffusion.Safetensors;
using ComfySharp.Diffusion.Tests.Infrastructure;
using ComfySharp.Nodes.Diffusion.Models;
using ComfySharp.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ComfySharp.Nodes.Diffusion.Tests.EndToEnd;

/// <summary>
/// LoraLoader and LoraLoaderModelOnly over HTTP: chained LoRAs give the conditioning of a checkpoint merged by the torch
/// reference, strength 0 is the checkpoint itself, bad files are ComfyUI-shaped errors, and /free deletes the merged copies.
/// </summary>
public sealed class LoraFlowTests(DiffusionServer server) : IClassFixture<DiffusionServer>
{
    private const string Flow = """
    {
      "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "tiny.safetensors"}},
      "2": {"class_type": "LoraLoader", "inputs": {"model": ["1", 0], "clip": ["1", 1], "lora_name": "kohya.safetensors", "strength_model": 0.7, "strength_clip": 0.9}},
      "3": {"class_type": "LoraLoader", "inputs": {"model": ["2", 0], "clip": ["2", 1], "lora_name": "styles/peft.safetensors", "strength_model": 1.0, "strength_clip": -0.5}},
      "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "a (cat:1.2) dog", "clip": ["3", 1]}},
      "5": {"class_type": "CsDiffusionProbe", "inputs": {"value": ["4", 0]}},
      "6": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "merged.safetensors"}},
      "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "a (cat:1.2) dog", "clip": ["6", 1]}},
      "8": {"class_type": "CsDiffusionProbe", "inputs": {"value": ["7", 0]}},
      "9": {"class_type": "CLIPTextEncode", "inputs": {"text": "a (cat:1.2) dog", "clip": ["1", 1]}},
      "10": {"class_type": "CsDiffusionProbe", "inputs": {"value": ["9", 0]}},
      "11": {"class_type": "LoraLoader", "inputs": {"model": ["1", 0], "clip": ["1", 1], "lora_name": "kohya.safetensors", "strength_model": 0.0, "strength_clip": 0.0}},
      "12": {"class_type": "CLIPTextEncode", "inputs": {"text": "a (cat:1.2) dog", "clip": ["11", 1]}},
      "13": {"class_type": "CsDiffusionProbe", "inputs": {"value": ["12", 0]}},
      "14": {"class_type": "CsDiffusionProbe", "inputs": {"value": ["3", 0]}},
      "15": {"class_type": "LoraLoaderModelOnly", "inputs": {"model": ["1", 0], "lora_name": "kohya.safetensors", "strength_model": 0.5}},
      "16": {"class_type": "CsDiffusionProbe", "inputs": {"value": ["15", 0]}}
    }
    """;

    private string Loras => Path.Combine(server.Models, "loras");

    private async Task WriteLorasAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(Path.Combine(Loras, "styles"));
        var kohya = TinyLora.Write(Path.Combine(Loras, "kohya.safetensors"), TinyLora.Kohya, seed: 21, extra:
            [TensorToWrite.FromFloats("lora_unet_not_a_layer.lora_up.weight", SafetensorsDType.F32, [2, 2], new float[4])]);
        var peft = TinyLora.Write(Path.Combine(Loras, "styles", "peft.safetensors"), TinyLora.Peft, seed: 22, rank: 3, alpha: false);

        // The checkpoint the LoRAs should make, merged by the torch reference from hand-written key names.
        var checkpoint = Path.Combine(server.Models, "checkpoints", "tiny.safetensors");
        var options = new
        {
            loras = new object[]
            {
                new { path = kohya, strength = 0.9, map = TinyLora.Map(TinyLora.Kohya.Where(e => e.Stem.StartsWith("lora_te_", StringComparison.Ordinal))) },
                new { path = peft, strength = -0.5, map = TinyLora.Map(TinyLora.Peft.Where(e => e.Stem.StartsWith("text_encoder.", StringComparison.Ordinal))) },
            },
        };
        var work = Path.Combine(server.Server.Folder, "lora-reference");
        Directory.CreateDirectory(work);
        var merged = TorchReference.Run("lora_merge", checkpoint, [], options, work, ct);
        Assert.Equal(3, merged.Count);
        using var original = SafetensorsFile.Open(checkpoint);
        SafetensorsWriter.Write(Path.Combine(server.Models, "checkpoints", "merged.safetensors"), original.Tensors.Select(t =>
            merged.TryGetValue(t.Name, out var values)
                ? TensorToWrite.FromFloats(t.Name, SafetensorsDType.F32, t.Shape, values)
                : new TensorToWrite(t.Name, t.DType, t.Shape, original.Bytes(t).ToArray())).ToList());
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Chained_loras_give_the_reference_merge_and_free_deletes_the_merged_copies()
    {
        var ct = TestContext.Current.CancellationToken;
        await WriteLorasAsync(ct);
        var cache = server.Server.Server.Services.GetRequiredService<ModelCache>();

        var (_, info) = await server.Server.GetJsonAsync("/object_info/LoraLoader", ct);
        var required = info!["LoraLoader"]!["input"]!["required"]!;
        var choices = required["lora_name"]![0]!.AsArray().Select(c => (string)c!).ToList();
        Assert.Contains("kohya.safetensors", choices);
        Assert.Contains("styles/peft.safetensors", choices);
        Assert.Equal(1.0, (double)required["strength_model"]![1]!["default"]!);
        Assert.Equal(-100.0, (double)required["strength_clip"]![1]!["min"]!);
        Assert.Equal(100.0, (double)required["strength_clip"]![1]!["max"]!);
        Assert.Equal(0.01, (double)required["strength_clip"]![1]!["step"]!);
        Assert.Equal(["MODEL", "CLIP"], info["LoraLoader"]!["output"]!.AsArray().Select(o => (string)o!));
        var (_, listed) = await server.Server.GetJsonAsync("/models/loras", ct);
        Assert.Contains("styles/peft.safetensors", listed!.AsArray().Select(c => (string)c!));

        var (events, history) = await server.RunAsync(Flow, "lora-main", ct);
        Assert.True(Events.Types(events).Contains("execution_success"), Events.First(events, "execution_error")?.ToJsonString());

        var patched = DiffusionServer.Probe(history, "5")["entries"]![0]!;
        var reference = DiffusionServer.Probe(history, "8")["entries"]![0]!;
        var plain = DiffusionServer.Probe(history, "10")["entries"]![0]!;
        var head = patched["head"]!.AsArray().Select(v => (double)v!).ToArray();
        var expected = reference["head"]!.AsArray().Select(v => (double)v!).ToArray();
        for (var i = 0; i < head.Length; i++) Assert.Equal(expected[i], head[i], 4);
        Assert.Equal((double)reference["sum"]!, (double)patched["sum"]!, 1);
        Assert.NotEqual((double)plain["sum"]!, (double)patched["sum"]!);

        // Strength 0 on both sides is the checkpoint itself.
        Assert.Equal(plain.ToJsonString(), DiffusionServer.Probe(history, "13")["entries"]![0]!.ToJsonString());
        Assert.Contains("kohya.safetensors:0.7, peft.safetensors:1", (string?)DiffusionServer.Probe(history, "14")["text"]);
        Assert.Contains("kohya.safetensors:0.5", (string?)DiffusionServer.Probe(history, "16")["text"]);

        // The merged CLIP tensors live in one file in the temp area while the patched model is loaded; /free deletes it.
        var patches = cache.Options.LoraPatches;
        Assert.Single(Directory.GetFiles(patches));
        var (status, _) = await server.Server.PostJsonAsync("/free", new JsonObject { ["unload_models"] = true }, ct);
        Assert.Equal(200, status);
        while (cache.LoadedCount > 0) await Task.Delay(10, ct);
        Assert.Empty(Directory.GetFiles(patches));
        Assert.True(File.Exists(Path.Combine(Loras, "kohya.safetensors")));
    }

    [Fact]
    public async Task Bad_lora_files_are_execution_errors_and_an_unknown_name_a_validation_error()
    {
        var ct = TestContext.Current.CancellationToken;
        Directory.CreateDirectory(Loras);
        var wide = TinyLora.Write(Path.Combine(Loras, "wide.safetensors"), [TinyLora.Kohya[6]], reshape: (_, shape) => [shape[0], shape[1] * 2]);
        var good = await File.ReadAllBytesAsync(wide, ct);
        await File.WriteAllBytesAsync(Path.Combine(Loras, "cut.safetensors"), good.AsSpan(0, good.Length - 100).ToArray(), ct);
        SafetensorsWriter.Write(Path.Combine(Loras, "loha.safetensors"),
            [TensorToWrite.FromFloats("lora_unet_mid_block_attentions_0_proj_in.hada_w1_a", SafetensorsDType.F32, [2, 2], new float[4])]);

        var message = await ErrorOfAsync("wide.safetensors", "lora-wide", ct);
        Assert.Contains("LoRA 'wide.safetensors'", message);
        Assert.Contains("gives [128, 256] but 'cond_stage_model.transformer.text_model.encoder.layers.0.self_attn.q_proj.weight' has [128, 128]", message);

        message = await ErrorOfAsync("cut.safetensors", "lora-cut", ct);
        Assert.Contains("'cut.safetensors'", message);
        Assert.DoesNotContain(server.Server.Folder, message);

        message = await ErrorOfAsync("loha.safetensors", "lora-loha", ct);
        Assert.Contains("LoHa format", message);

        var prompt = JsonNode.Parse(FlowWith("missing.safetensors"))!.AsObject();
        var (status, body) = await server.Server.PostJsonAsync("/prompt", new JsonObject { ["prompt"] = prompt }, ct);
        Assert.Equal(400, status);
        Assert.Equal("value_not_in_list", (string?)body!["node_errors"]!["2"]!["errors"]![0]!["type"]);

        // The server is still healthy.
        var (events, _) = await server.RunAsync(FlowWith("wide.safetensors").Replace("0.9", "0.0", StringComparison.Ordinal).Replace("0.7", "0.0", StringComparison.Ordinal), "lora-after", ct);
        Assert.Contains("execution_success", Events.Types(events));
    }

    private static string FlowWith(string lora) => $$$"""
    {
      "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "tiny.safetensors"}},
      "2": {"class_type": "LoraLoader", "inputs": {"model": ["1", 0], "clip": ["1", 1], "lora_name": "{{{lora}}}", "strength_model": 0.7, "strength_clip": 0.9}},
      "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "a dog", "clip": ["2", 1]}},
      "4": {"class_type": "CsDiffusionProbe", "inputs": {"value": ["3", 0]}}
    }
    """;

    private async Task<string> ErrorOfAsync(string lora, string clientId, CancellationToken ct)
    {
        var (events, _) = await server.RunAsync(FlowWith(lora), clientId, ct);
        var error = Events.First(events, "execution_error");
        Assert.NotNull(error);
        Assert.Equal("LoraLoader", (string?)error["data"]!["node_type"]);
        return (string)error["data"]!["exception_message"]!;
    }
}
