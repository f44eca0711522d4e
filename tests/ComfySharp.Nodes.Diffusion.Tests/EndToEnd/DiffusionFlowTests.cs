using System.Text.Json.Nodes;
using ComfySharp.Diffusion.Safetensors;
using ComfySharp.Nodes.Diffusion.Models;
using ComfySharp.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ComfySharp.Nodes.Diffusion.Tests.EndToEnd;

/// <summary>Workflows sent to a running server over HTTP: load a tiny checkpoint, encode text, decode and encode latents.</summary>
public sealed class DiffusionFlowTests(DiffusionServer server) : IClassFixture<DiffusionServer>
{
    private const string Flow = """
    {
      "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "CKPT"}},
      "2": {"class_type": "CLIPTextEncode", "inputs": {"text": "a (cat:1.2) dog", "clip": ["1", 1]}},
      "3": {"class_type": "CsDiffusionProbe", "inputs": {"value": ["2", 0]}},
      "4": {"class_type": "EmptyLatentImage", "inputs": {"width": 64, "height": 48, "batch_size": 2}},
      "5": {"class_type": "VAEDecode", "inputs": {"samples": ["4", 0], "vae": ["1", 2]}},
      "6": {"class_type": "CsDiffusionProbe", "inputs": {"value": ["5", 0]}},
      "7": {"class_type": "VAEEncode", "inputs": {"pixels": ["5", 0], "vae": ["1", 2]}},
      "8": {"class_type": "CsDiffusionProbe", "inputs": {"value": ["7", 0]}},
      "9": {"class_type": "CLIPSetLastLayer", "inputs": {"clip": ["1", 1], "stop_at_clip_layer": -2}},
      "10": {"class_type": "CLIPTextEncode", "inputs": {"text": "a (cat:1.2) dog", "clip": ["9", 0]}},
      "11": {"class_type": "CsDiffusionProbe", "inputs": {"value": ["10", 0]}}
    }
    """;

    private static string FlowFor(string checkpoint) => Flow.Replace("CKPT", checkpoint, StringComparison.Ordinal);

    [Fact]
    public async Task Checkpoint_loads_text_encodes_and_latents_decode_and_encode()
    {
        var ct = TestContext.Current.CancellationToken;
        var (events, history) = await server.RunAsync(FlowFor("tiny.safetensors"), "flow-main", ct);
        Assert.Contains("execution_success", Events.Types(events));

        var cond = DiffusionServer.Probe(history, "3");
        Assert.Equal("conditioning", (string?)cond["kind"]);
        var entry = cond["entries"]![0]!;
        Assert.Equal([1, 77, 128], DiffusionServer.Shape(entry));

        var image = DiffusionServer.Probe(history, "6");
        // The tiny VAE has two levels, so it scales by 2 where SD's four-level VAE scales by 8: 6×8 latents → 12×16 pixels.
        Assert.Equal([2, 12, 16, 3], DiffusionServer.Shape(image));
        Assert.InRange((double)image["min"]!, 0, 1);
        Assert.InRange((double)image["max"]!, 0, 1);

        var latent = DiffusionServer.Probe(history, "8");
        Assert.Equal("latent", (string?)latent["kind"]);
        Assert.Equal([2, 4, 6, 8], DiffusionServer.Shape(latent));

        // Clip skip changes the encoding but not its shape.
        var skipped = DiffusionServer.Probe(history, "11")["entries"]![0]!;
        Assert.Equal([1, 77, 128], DiffusionServer.Shape(skipped));
        Assert.NotEqual((double)entry["sum"]!, (double)skipped["sum"]!);
    }

    [Fact]
    public async Task Fp16_checkpoint_in_a_subfolder_gives_the_fp32_result_within_tolerance()
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, f32) = await server.RunAsync(FlowFor("tiny.safetensors"), "flow-f32", ct);
        var (events, f16) = await server.RunAsync(FlowFor("sd15/tiny-fp16.safetensors"), "flow-f16", ct);
        Assert.Contains("execution_success", Events.Types(events));
        foreach (var node in (string[])["3", "11"])
        {
            var a = DiffusionServer.Probe(f32, node)["entries"]![0]!["head"]!.AsArray();
            var b = DiffusionServer.Probe(f16, node)["entries"]![0]!["head"]!.AsArray();
            for (var i = 0; i < a.Count; i++) Assert.Equal((double)a[i]!, (double)b[i]!, 2e-2);
        }
        var ia = DiffusionServer.Probe(f32, "6")["head"]!.AsArray();
        var ib = DiffusionServer.Probe(f16, "6")["head"]!.AsArray();
        for (var i = 0; i < ia.Count; i++) Assert.Equal((double)ia[i]!, (double)ib[i]!, 1e-2);
    }

    [Fact]
    public async Task Free_unloads_models_and_the_next_run_reloads_them_with_identical_results()
    {
        var ct = TestContext.Current.CancellationToken;
        var cache = server.Server.Server.Services.GetRequiredService<ModelCache>();
        var (_, first) = await server.RunAsync(FlowFor("tiny.safetensors"), "flow-free-1", ct);
        Assert.True(cache.LoadedCount > 0);

        var (status, _) = await server.Server.PostJsonAsync("/free", new JsonObject { ["unload_models"] = true, ["free_memory"] = true }, ct);
        Assert.Equal(200, status);
        while (cache.LoadedCount > 0) await Task.Delay(10, ct);

        var (events, second) = await server.RunAsync(FlowFor("tiny.safetensors"), "flow-free-2", ct);
        Assert.Empty(Events.Cached(events));
        foreach (var node in (string[])["3", "6", "8", "11"])
        {
            Assert.Equal(DiffusionServer.Probe(first, node).ToJsonString(), DiffusionServer.Probe(second, node).ToJsonString());
        }
    }

    [Fact]
    public async Task Latent_and_conditioning_utilities()
    {
        var ct = TestContext.Current.CancellationToken;
        var (events, history) = await server.RunAsync("""
        {
          "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "tiny.safetensors"}},
          "2": {"class_type": "CLIPTextEncode", "inputs": {"text": "cat", "clip": ["1", 1]}},
          "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "dog dog", "clip": ["1", 1]}},
          "4": {"class_type": "ConditioningCombine", "inputs": {"conditioning_1": ["2", 0], "conditioning_2": ["3", 0]}},
          "5": {"class_type": "CsDiffusionProbe", "inputs": {"value": ["4", 0]}},
          "6": {"class_type": "ConditioningZeroOut", "inputs": {"conditioning": ["2", 0]}},
          "7": {"class_type": "CsDiffusionProbe", "inputs": {"value": ["6", 0]}},
          "8": {"class_type": "ConditioningAverage", "inputs": {"conditioning_to": ["2", 0], "conditioning_from": ["3", 0], "conditioning_to_strength": 0.25}},
          "9": {"class_type": "CsDiffusionProbe", "inputs": {"value": ["8", 0]}},
          "10": {"class_type": "ConditioningSetArea", "inputs": {"conditioning": ["4", 0], "width": 128, "height": 64, "x": 8, "y": 16, "strength": 0.5}},
          "11": {"class_type": "CsDiffusionProbe", "inputs": {"value": ["10", 0]}},
          "12": {"class_type": "EmptyLatentImage", "inputs": {"width": 64, "height": 48, "batch_size": 3}},
          "13": {"class_type": "LatentFromBatch", "inputs": {"samples": ["12", 0], "batch_index": 1, "length": 5}},
          "14": {"class_type": "CsDiffusionProbe", "inputs": {"value": ["13", 0]}},
          "15": {"class_type": "RepeatLatentBatch", "inputs": {"samples": ["13", 0], "amount": 3}},
          "16": {"class_type": "CsDiffusionProbe", "inputs": {"value": ["15", 0]}},
          "17": {"class_type": "CsDiffusionProbe", "inputs": {"value": ["2", 0]}},
          "19": {"class_type": "LatentUpscale", "inputs": {"samples": ["13", 0], "upscale_method": "bislerp", "width": 0, "height": 96, "crop": "disabled"}},
          "20": {"class_type": "CsDiffusionProbe", "inputs": {"value": ["19", 0]}},
          "21": {"class_type": "LatentUpscaleBy", "inputs": {"samples": ["13", 0], "upscale_method": "area", "scale_by": 1.5}},
          "22": {"class_type": "CsDiffusionProbe", "inputs": {"value": ["21", 0]}},
          "18": {"class_type": "CsDiffusionProbe", "inputs": {"value": ["3", 0]}}
        }
        """, "flow-utils", ct);
        Assert.Contains("execution_success", Events.Types(events));

        Assert.Equal(2, DiffusionServer.Probe(history, "5")["entries"]!.AsArray().Count);
        var zero = DiffusionServer.Probe(history, "7")["entries"]![0]!;
        Assert.Equal([1, 77, 128], DiffusionServer.Shape(zero));
        Assert.Equal(0, (double)zero["sum"]!);
        Assert.Equal(0, (double)zero["max"]!);

        var cat = DiffusionServer.Probe(history, "17")["entries"]![0]!["head"]!.AsArray();
        var dog = DiffusionServer.Probe(history, "18")["entries"]![0]!["head"]!.AsArray();
        var average = DiffusionServer.Probe(history, "9")["entries"]![0]!["head"]!.AsArray();
        for (var i = 0; i < cat.Count; i++) Assert.Equal(0.25 * (double)cat[i]! + 0.75 * (double)dog[i]!, (double)average[i]!, 1e-5);

        var areas = DiffusionServer.Probe(history, "11")["entries"]!.AsArray();
        Assert.Equal(2, areas.Count);
        Assert.All(areas, a =>
        {
            Assert.Equal("[8,16,2,1]", a!["options"]!["area"]!.ToJsonString());
            Assert.Equal("0.5", (string?)a["options"]!["strength"]);
            Assert.Equal("False", (string?)a["options"]!["set_area_to_bounds"]);
        });

        // batch_index 1, length 5 of a batch of 3: clamped to 2 items, indices recorded.
        var from = DiffusionServer.Probe(history, "14");
        Assert.Equal([2, 4, 6, 8], DiffusionServer.Shape(from));
        Assert.Equal("[1,2]", from["batch_index"]!.ToJsonString());
        var repeated = DiffusionServer.Probe(history, "16");
        Assert.Equal([6, 4, 6, 8], DiffusionServer.Shape(repeated));
        Assert.Equal("[1,2,3,4,5,6]", repeated["batch_index"]!.ToJsonString());

        // Height 96 with width 0: width from the aspect ratio (8 × 96 / 6 = 128), both divided by 8.
        var upscaled = DiffusionServer.Probe(history, "20");
        Assert.Equal([2, 4, 12, 16], DiffusionServer.Shape(upscaled));
        Assert.Equal("[1,2]", upscaled["batch_index"]!.ToJsonString());
        Assert.Equal([2, 4, 9, 12], DiffusionServer.Shape(DiffusionServer.Probe(history, "22")));
    }

    [Fact]
    public async Task Tiled_vae_matches_the_whole_decode_for_one_tile_and_tiles_large_images()
    {
        var ct = TestContext.Current.CancellationToken;
        var (events, history) = await server.RunAsync("""
        {
          "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "tiny.safetensors"}},
          "2": {"class_type": "EmptyLatentImage", "inputs": {"width": 64, "height": 48, "batch_size": 1}},
          "3": {"class_type": "LatentUpscaleBy", "inputs": {"samples": ["2", 0], "upscale_method": "nearest-exact", "scale_by": 1.0}},
          "4": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["1", 2]}},
          "5": {"class_type": "CsDiffusionProbe", "inputs": {"value": ["4", 0]}},
          "6": {"class_type": "VAEDecodeTiled", "inputs": {"samples": ["3", 0], "vae": ["1", 2], "tile_size": 512, "overlap": 64, "temporal_size": 64, "temporal_overlap": 8}},
          "7": {"class_type": "CsDiffusionProbe", "inputs": {"value": ["6", 0]}},
          "8": {"class_type": "EmptyLatentImage", "inputs": {"width": 512, "height": 384, "batch_size": 2}},
          "9": {"class_type": "VAEDecodeTiled", "inputs": {"samples": ["8", 0], "vae": ["1", 2], "tile_size": 64, "overlap": 32, "temporal_size": 64, "temporal_overlap": 8}},
          "10": {"class_type": "CsDiffusionProbe", "inputs": {"value": ["9", 0]}},
          "11": {"class_type": "VAEEncodeTiled", "inputs": {"pixels": ["9", 0], "vae": ["1", 2], "tile_size": 128, "overlap": 32, "temporal_size": 64, "temporal_overlap": 8}},
          "12": {"class_type": "CsDiffusionProbe", "inputs": {"value": ["11", 0]}},
          "13": {"class_type": "VAEEncodeTiled", "inputs": {"pixels": ["4", 0], "vae": ["1", 2], "tile_size": 512, "overlap": 64, "temporal_size": 64, "temporal_overlap": 8}},
          "14": {"class_type": "CsDiffusionProbe", "inputs": {"value": ["13", 0]}},
          "15": {"class_type": "VAEEncode", "inputs": {"pixels": ["4", 0], "vae": ["1", 2]}},
          "16": {"class_type": "CsDiffusionProbe", "inputs": {"value": ["15", 0]}}
        }
        """, "flow-tiled", ct);
        Assert.True(Events.Types(events).Contains("execution_success"), Events.First(events, "execution_error")?.ToJsonString());

        // One tile: the tiled result is the plain one (up to float rounding of the three-way average).
        (string Plain, string Tiled)[] pairs = [("5", "7"), ("16", "14")];
        foreach (var (plain, tiled) in pairs)
        {
            var a = DiffusionServer.Probe(history, plain);
            var b = DiffusionServer.Probe(history, tiled);
            Assert.Equal(DiffusionServer.Shape(a), DiffusionServer.Shape(b));
            Assert.Equal((double)a["sum"]!, (double)b["sum"]!, 1e-2);
            var ha = a["head"]!.AsArray();
            var hb = b["head"]!.AsArray();
            for (var i = 0; i < ha.Count; i++) Assert.Equal((double)ha[i]!, (double)hb[i]!, 1e-5);
        }

        // Many tiles: 48×64 latents (tiles of 32 with overlap 8 at the tiny VAE's factor 2) → 96×128 images and back.
        var large = DiffusionServer.Probe(history, "10");
        Assert.Equal([2, 96, 128, 3], DiffusionServer.Shape(large));
        Assert.InRange((double)large["min"]!, 0, 1);
        Assert.InRange((double)large["max"]!, 0, 1);
        Assert.Equal([2, 4, 48, 64], DiffusionServer.Shape(DiffusionServer.Probe(history, "12")));
    }

    [Fact]
    public async Task Tiled_encode_with_an_overlap_as_large_as_a_tile_is_an_error_not_a_hang()
    {
        // tile 64 with overlap 32: the tile/2 tiling has no room to advance (ComfyUI fails here too, with a Python range error).
        var ct = TestContext.Current.CancellationToken;
        var (events, _) = await server.RunAsync("""
        {
          "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "tiny.safetensors"}},
          "2": {"class_type": "EmptyLatentImage", "inputs": {"width": 512, "height": 384, "batch_size": 1}},
          "3": {"class_type": "VAEDecode", "inputs": {"samples": ["2", 0], "vae": ["1", 2]}},
          "4": {"class_type": "VAEEncodeTiled", "inputs": {"pixels": ["3", 0], "vae": ["1", 2], "tile_size": 64, "overlap": 32, "temporal_size": 64, "temporal_overlap": 8}},
          "5": {"class_type": "CsDiffusionProbe", "inputs": {"value": ["4", 0]}}
        }
        """, "flow-tiled-bad", ct);
        var error = Events.First(events, "execution_error");
        Assert.NotNull(error);
        Assert.Equal("VAEEncodeTiled", (string?)error["data"]!["node_type"]);
        Assert.Contains("must be larger than the overlap", (string?)error["data"]!["exception_message"]);
    }

    [Fact]
    public async Task Model_folders_are_listed_in_object_info_and_the_models_routes()
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, info) = await server.Server.GetJsonAsync("/object_info/CheckpointLoaderSimple", ct);
        var choices = info!["CheckpointLoaderSimple"]!["input"]!["required"]!["ckpt_name"]![0]!.AsArray().Select(c => (string)c!).ToList();
        Assert.Contains("tiny.safetensors", choices);
        Assert.Contains("sd15/tiny-fp16.safetensors", choices);
        Assert.Equal(["MODEL", "CLIP", "VAE"], info["CheckpointLoaderSimple"]!["output"]!.AsArray().Select(o => (string)o!));

        var (_, listed) = await server.Server.GetJsonAsync("/models/checkpoints", ct);
        Assert.Contains("tiny.safetensors", listed!.AsArray().Select(c => (string)c!));
    }

    [Fact]
    public async Task Unknown_checkpoint_name_is_a_validation_error()
    {
        var ct = TestContext.Current.CancellationToken;
        var prompt = JsonNode.Parse(FlowFor("missing.safetensors"))!.AsObject();
        var (status, body) = await server.Server.PostJsonAsync("/prompt", new JsonObject { ["prompt"] = prompt }, ct);
        Assert.Equal(400, status);
        Assert.Equal("value_not_in_list", (string?)body!["node_errors"]!["1"]!["errors"]![0]!["type"]);
    }

    [Fact]
    public async Task Corrupt_and_unsupported_checkpoints_fail_with_the_file_and_the_problem_named()
    {
        var ct = TestContext.Current.CancellationToken;
        var folder = Path.Combine(server.Models, "checkpoints");
        var good = await File.ReadAllBytesAsync(Path.Combine(folder, "tiny.safetensors"), ct);
        await File.WriteAllBytesAsync(Path.Combine(folder, "cut.safetensors"), good.AsSpan(0, good.Length / 2).ToArray(), ct);
        SafetensorsWriter.Write(Path.Combine(folder, "flux.safetensors"),
            [TensorToWrite.FromFloats("model.diffusion_model.double_blocks.0.img_attn.norm.key_norm.scale", SafetensorsDType.F16, [4], new float[4])]);

        var message = await ErrorOfAsync(FlowFor("cut.safetensors"), "flow-cut", ct);
        Assert.Contains("'cut.safetensors'", message);
        Assert.Contains("truncated", message);
        Assert.DoesNotContain(server.Server.Folder, message);

        message = await ErrorOfAsync(FlowFor("flux.safetensors"), "flow-flux", ct);
        Assert.Contains("'flux.safetensors'", message);
        Assert.Contains("Flux model, which is not supported yet", message);

        // The server is still healthy.
        var (events, _) = await server.RunAsync(FlowFor("tiny.safetensors"), "flow-after", ct);
        Assert.Contains("execution_success", Events.Types(events));
    }

    private async Task<string> ErrorOfAsync(string prompt, string clientId, CancellationToken ct)
    {
        var (events, _) = await server.RunAsync(prompt, clientId, ct);
        var error = Events.First(events, "execution_error");
        Assert.NotNull(error);
        Assert.Equal("1", (string?)error["data"]!["node_id"]);
        Assert.Equal("CheckpointLoaderSimple", (string?)error["data"]!["node_type"]);
        return (string)error["data"]!["exception_message"]!;
    }
}
