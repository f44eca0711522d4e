using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using ComfySharp.Nodes.Image.Codec;
using ComfySharp.Server.Tests.Infrastructure;

namespace ComfySharp.Nodes.Diffusion.Tests.EndToEnd;

/// <summary>
/// ComfyUI's everyday workflows (the API-format files in Workflows/) run through the real server on the tiny checkpoint:
/// events, saved PNGs with metadata, determinism, inpainting masks, previews, interrupts and bad input.
/// </summary>
public sealed class SamplingFlowTests(DiffusionServer server) : IClassFixture<DiffusionServer>
{
    private static JsonObject Workflow(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Workflows", name + ".json")))!.AsObject();

    private static readonly JsonObject Extra = new()
    {
        ["extra_data"] = new JsonObject { ["extra_pnginfo"] = new JsonObject { ["workflow"] = new JsonObject { ["nodes"] = new JsonArray(), ["version"] = 0.4 } } },
    };

    private async Task<(List<JsonObject> Events, List<byte[]> Binary, JsonObject History)> Run(JsonObject prompt, string clientId, CancellationToken ct,
        JsonObject? extra = null, bool previewMetadata = false)
    {
        await using var ws = await server.Server.ConnectAsync(clientId, ct);
        await ws.ReceiveJsonAsync(ct);
        if (previewMetadata)
        {
            await ws.SendTextAsync("""{"type": "feature_flags", "data": {"supports_preview_metadata": true}}""", ct);
            await ws.ReceiveJsonAsync(ct);
        }
        var id = await server.Server.QueueAsync(prompt, clientId, ct, extra ?? Extra);
        var events = new List<JsonObject>();
        var binary = new List<byte[]>();
        while (true)
        {
            var frame = await ws.ReceiveAsync(ct) ?? throw new InvalidOperationException("socket closed");
            if (frame.Binary is { } b)
            {
                binary.Add(b);
                continue;
            }
            events.Add(frame.Json!);
            if (frame.Type == "executing" && frame.Json!["data"]!["node"] is null && (string?)frame.Json["data"]!["prompt_id"] == id) break;
        }
        return (events, binary, await server.Server.HistoryAsync(id, ct));
    }

    private static void AssertSuccess(List<JsonObject> events) =>
        Assert.True(Events.Types(events).Contains("execution_success"), Events.First(events, "execution_error")?.ToJsonString());

    private string SavedPath(JsonObject history, string node)
    {
        var image = history["outputs"]![node]!["images"]![0]!;
        return Path.Combine(server.Server.Folder, "output", (string)image["subfolder"]!, (string)image["filename"]!);
    }

    private static Dictionary<string, string> PngText(byte[] png)
    {
        var result = new Dictionary<string, string>();
        for (var p = 8; p + 8 <= png.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(p));
            var type = Encoding.ASCII.GetString(png, p + 4, 4);
            if (type == "tEXt")
            {
                var data = png.AsSpan(p + 8, length);
                var zero = data.IndexOf((byte)0);
                result[Encoding.Latin1.GetString(data[..zero])] = Encoding.Latin1.GetString(data[(zero + 1)..]);
            }
            p += 12 + length;
        }
        return result;
    }

    private static float[] Data(JsonObject history, string node) =>
        [.. DiffusionServer.Probe(history, node)["data"]!.AsArray().Select(v => (float)v!)];

    private static List<JsonObject> Progress(List<JsonObject> events, string node) =>
        [.. events.Where(e => (string?)e["type"] == "progress" && (string?)e["data"]!["node"] == node)];

    private void WriteInput(string name, int width, int height, bool alphaRightHalf)
    {
        var pixels = new byte[width * height * 4];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = (y * width + x) * 4;
                pixels[i] = (byte)(x * 255 / width);
                pixels[i + 1] = (byte)(y * 255 / height);
                pixels[i + 2] = 128;
                pixels[i + 3] = alphaRightHalf && x >= width / 2 ? (byte)0 : (byte)255;
            }
        }
        var input = Path.Combine(server.Server.Folder, "input");
        Directory.CreateDirectory(input);
        File.WriteAllBytes(Path.Combine(input, name), ImageEncoder.Png(pixels, width, height, 4));
    }

    [Fact]
    public async Task Text_to_image_reports_every_step_saves_a_png_with_metadata_and_repeats_byte_for_byte()
    {
        var ct = TestContext.Current.CancellationToken;
        // Other tests of this class may have run the same graph already: start from an empty cache so every node runs.
        var (freed, _) = await server.Server.PostJsonAsync("/free", new JsonObject { ["free_memory"] = true }, ct);
        Assert.Equal(200, freed);
        var (events, _, history) = await Run(Workflow("text-to-image"), "t2i-1", ct);
        AssertSuccess(events);
        // Every step reports; ComfyUI's throttle forwards the first and the last at least (steps this fast skip the middle).
        var progress = Progress(events, "3");
        Assert.Equal(1, (int)progress[0]["data"]!["value"]!);
        Assert.Equal(3, (int)progress[^1]["data"]!["value"]!);
        Assert.All(progress, p => Assert.Equal(3, (int)p["data"]!["max"]!));
        Assert.Contains(events, e => (string?)e["type"] == "progress_state");
        Assert.Contains(events, e => (string?)e["type"] == "executed" && (string?)e["data"]!["node"] == "9");

        var first = File.ReadAllBytes(SavedPath(history, "9"));
        var text = PngText(first);
        Assert.Equal("KSampler", (string?)JsonNode.Parse(text["prompt"])!["3"]!["class_type"]);
        Assert.Equal(0.4, (double)JsonNode.Parse(text["workflow"])!["version"]!);

        // Nothing cached: the whole graph runs again and gives the same bytes.
        var (status, _) = await server.Server.PostJsonAsync("/free", new JsonObject { ["unload_models"] = true, ["free_memory"] = true }, ct);
        Assert.Equal(200, status);
        await Task.Delay(50, ct);
        var (again, _, history2) = await Run(Workflow("text-to-image"), "t2i-2", ct);
        AssertSuccess(again);
        Assert.Contains("3", Events.Ran(again));
        Assert.NotEqual(SavedPath(history, "9"), SavedPath(history2, "9"));
        Assert.Equal(first, File.ReadAllBytes(SavedPath(history2, "9")));

        // Another seed gives another image.
        var other = Workflow("text-to-image");
        other["3"]!["inputs"]!["seed"] = 1;
        var (_, _, history3) = await Run(other, "t2i-3", ct);
        Assert.NotEqual(first, File.ReadAllBytes(SavedPath(history3, "9")));
    }

    [Fact]
    public async Task Image_to_image_samples_the_last_steps_of_a_longer_schedule()
    {
        var ct = TestContext.Current.CancellationToken;
        WriteInput("source.png", 16, 16, alphaRightHalf: false);
        var (events, _, history) = await Run(Workflow("image-to-image"), "i2i", ct);
        AssertSuccess(events);
        // denoise 0.5 of 4 steps: the last 4 steps of an 8-step schedule.
        var progress = Progress(events, "6");
        Assert.Equal(1, (int)progress[0]["data"]!["value"]!);
        Assert.All(progress, p => Assert.Equal(4, (int)p["data"]!["max"]!));
        Assert.Equal(4, (int)progress[^1]["data"]!["value"]!);
        Assert.True(File.Exists(SavedPath(history, "8")));
    }

    [Fact]
    public async Task Set_latent_noise_mask_keeps_the_unmasked_latent()
    {
        var ct = TestContext.Current.CancellationToken;
        WriteInput("inpaint.png", 16, 16, alphaRightHalf: true);
        var (events, _, history) = await Run(Workflow("inpaint-noise-mask"), "mask", ct);
        AssertSuccess(events);
        var source = Data(history, "10");
        var sampled = Data(history, "11");
        // 8×8 latent: the mask (1 − alpha) is 0 on the left half, 1 on the right half.
        var changed = 0;
        for (var c = 0; c < 4; c++)
        {
            for (var y = 0; y < 8; y++)
            {
                for (var x = 0; x < 8; x++)
                {
                    var i = (c * 64) + (y * 8) + x;
                    if (x < 4) Assert.Equal(source[i], sampled[i], 1e-4f);
                    else if (Math.Abs(source[i] - sampled[i]) > 1e-3) changed++;
                }
            }
        }
        Assert.True(changed > 100, $"only {changed} masked latent values changed");
    }

    [Fact]
    public async Task Ddim_inpaints_with_noise_of_its_own_and_without_a_mask_samples_as_euler()
    {
        var ct = TestContext.Current.CancellationToken;
        WriteInput("inpaint.png", 16, 16, alphaRightHalf: true);
        JsonObject Inpaint(string sampler)
        {
            var prompt = Workflow("inpaint-noise-mask");
            prompt["7"]!["inputs"]!["seed"] = 21;
            prompt["7"]!["inputs"]!["sampler_name"] = sampler;
            return prompt;
        }
        var (eulerEvents, _, euler) = await Run(Inpaint("euler"), "ddim-inpaint-euler", ct);
        AssertSuccess(eulerEvents);
        var (ddimEvents, _, ddim) = await Run(Inpaint("ddim"), "ddim-inpaint", ct);
        AssertSuccess(ddimEvents);
        var source = Data(ddim, "10");
        var a = Data(euler, "11");
        var b = Data(ddim, "11");
        // The kept left half is the source for both; the right half differs because ddim re-noises the kept area with
        // randn(seed + 1) while euler uses the initial noise, and the model sees both areas at every step.
        var differ = 0;
        for (var c = 0; c < 4; c++)
        {
            for (var y = 0; y < 8; y++)
            {
                for (var x = 0; x < 8; x++)
                {
                    var i = (c * 64) + (y * 8) + x;
                    if (x < 4)
                    {
                        Assert.Equal(source[i], a[i], 1e-4f);
                        Assert.Equal(source[i], b[i], 1e-4f);
                    }
                    else if (Math.Abs(a[i] - b[i]) > 1e-4) differ++;
                }
            }
        }
        Assert.True(differ > 100, $"only {differ} inpainted latent values differ between ddim and euler");

        JsonObject Plain(string sampler)
        {
            var prompt = Workflow("text-to-image");
            prompt["3"]!["inputs"]!["seed"] = 31;
            prompt["3"]!["inputs"]!["sampler_name"] = sampler;
            prompt["10"] = new JsonObject { ["class_type"] = "CsDiffusionProbe", ["inputs"] = new JsonObject { ["value"] = new JsonArray("3", 0) } };
            return prompt;
        }
        var (_, _, plainEuler) = await Run(Plain("euler"), "ddim-plain-euler", ct);
        var (_, _, plainDdim) = await Run(Plain("ddim"), "ddim-plain", ct);
        Assert.Equal(Data(plainEuler, "10"), Data(plainDdim, "10"));
    }

    [Fact]
    public async Task Vae_encode_for_inpaint_runs_with_its_grown_mask()
    {
        var ct = TestContext.Current.CancellationToken;
        WriteInput("inpaint.png", 16, 16, alphaRightHalf: true);
        var (events, _, history) = await Run(Workflow("inpaint-vae-encode"), "inpaint", ct);
        AssertSuccess(events);
        Assert.Equal([1, 4, 8, 8], DiffusionServer.Shape(DiffusionServer.Probe(history, "10")));
        Assert.True(File.Exists(SavedPath(history, "8")));
    }

    [Fact]
    public async Task Hires_fix_upscales_the_latent_and_samples_it_again()
    {
        var ct = TestContext.Current.CancellationToken;
        var (events, _, history) = await Run(Workflow("hires-fix"), "hires", ct);
        AssertSuccess(events);
        Assert.Equal(3, (int)Progress(events, "5")[^1]["data"]!["value"]!);
        Assert.Equal(3, (int)Progress(events, "7")[^1]["data"]!["value"]!);
        var images = history["outputs"]!["9"]!["images"]!.AsArray();
        Assert.Equal(2, images.Count);
    }

    [Fact]
    public async Task Custom_sampling_nodes_give_the_ksampler_result()
    {
        var ct = TestContext.Current.CancellationToken;
        var (events, _, history) = await Run(Workflow("custom-sampling"), "custom", ct);
        AssertSuccess(events);
        var ksampler = Data(history, "14");
        Assert.Equal(ksampler, Data(history, "12"));
        Assert.Equal(ksampler, Data(history, "13"));
        Assert.Equal(ksampler, Data(history, "24"));

        var high = Data(history, "17");
        var flipped = Data(history, "18");
        Assert.Equal(2, high.Length);
        Assert.Equal(3, flipped.Length);
        Assert.Equal(0.0001f, flipped[0]);
        Assert.Equal(high[1], flipped[2]);

        var karras = Data(history, "21");
        Assert.Equal(4, karras.Length);
        Assert.Equal(14.614642f, karras[0], 1e-4f);
        Assert.Equal(0.0291675f, karras[2], 1e-6f);
        Assert.Equal(0f, karras[3]);
        var exponential = Data(history, "22");
        Assert.Equal(MathF.Sqrt(14.614642f * 0.0291675f), exponential[1], 1e-3f);
        Assert.Equal(256, Data(history, "28").Length);
    }

    [Fact]
    public async Task Latent_previews_are_type_1_frames_or_type_4_for_clients_that_asked_and_off_by_default()
    {
        var ct = TestContext.Current.CancellationToken;
        var off = Workflow("text-to-image");
        off["3"]!["inputs"]!["seed"] = 100;
        var (_, none, _) = await Run(off, "preview-none", ct);
        Assert.Empty(none);

        var legacy = Workflow("text-to-image");
        legacy["3"]!["inputs"]!["seed"] = 101;
        var extra = new JsonObject { ["extra_data"] = new JsonObject { ["preview_method"] = "latent2rgb" } };
        var (events, frames, _) = await Run(legacy, "preview-legacy", ct, extra);
        AssertSuccess(events);
        Assert.Equal(3, frames.Count);
        Assert.All(frames, f =>
        {
            Assert.Equal(1u, BinaryPrimitives.ReadUInt32BigEndian(f));
            Assert.Equal(1u, BinaryPrimitives.ReadUInt32BigEndian(f.AsSpan(4)));
            Assert.Equal(0xFF, f[8]);
            Assert.Equal(0xD8, f[9]);
        });

        var modern = Workflow("text-to-image");
        modern["3"]!["inputs"]!["seed"] = 102;
        var (events4, frames4, _) = await Run(modern, "preview-meta", ct, extra, previewMetadata: true);
        AssertSuccess(events4);
        Assert.Equal(3, frames4.Count);
        Assert.All(frames4, f => Assert.Equal(4u, BinaryPrimitives.ReadUInt32BigEndian(f)));
        var length = (int)BinaryPrimitives.ReadUInt32BigEndian(frames4[0].AsSpan(4));
        var metadata = JsonNode.Parse(frames4[0].AsSpan(8, length))!;
        Assert.Equal("3", (string?)metadata["node_id"]);
        Assert.Equal("image/jpeg", (string?)metadata["image_type"]);
    }

    [Fact]
    public async Task Interrupt_stops_sampling_and_the_next_prompt_runs()
    {
        var ct = TestContext.Current.CancellationToken;
        var prompt = Workflow("text-to-image");
        prompt["3"]!["inputs"]!["steps"] = 10000;
        prompt["3"]!["inputs"]!["seed"] = 9;
        await using var ws = await server.Server.ConnectAsync("interrupt", ct);
        await ws.ReceiveJsonAsync(ct);
        var id = await server.Server.QueueAsync(prompt, "interrupt", ct);
        var events = new List<JsonObject>();
        while (true)
        {
            var e = await ws.ReceiveJsonAsync(ct);
            events.Add(e);
            if ((string?)e["type"] == "progress" && (string?)e["data"]!["node"] == "3") break;
        }
        var (status, _) = await server.Server.PostRawAsync("/interrupt", "", ct);
        Assert.Equal(200, status);
        events.AddRange(await ws.CollectUntilDoneAsync(id, ct));
        var interrupted = Events.First(events, "execution_interrupted");
        Assert.NotNull(interrupted);
        Assert.Equal("KSampler", (string?)interrupted["data"]!["node_type"]);
        Assert.True(Progress(events, "3").Count < 10000);

        var next = Workflow("text-to-image");
        next["3"]!["inputs"]!["seed"] = 10;
        var (after, _, _) = await Run(next, "interrupt-next", ct);
        AssertSuccess(after);
    }

    [Fact]
    public async Task Bad_sampler_inputs_are_comfyui_validation_errors()
    {
        var ct = TestContext.Current.CancellationToken;
        async Task<JsonNode> Rejected(Action<JsonObject> change)
        {
            var prompt = Workflow("text-to-image");
            change(prompt);
            var (status, body) = await server.Server.PostJsonAsync("/prompt", new JsonObject { ["prompt"] = prompt }, ct);
            Assert.Equal(400, status);
            return body!;
        }

        var sampler = await Rejected(p => p["3"]!["inputs"]!["sampler_name"] = "no_such_sampler");
        Assert.Equal("value_not_in_list", (string?)sampler["node_errors"]!["3"]!["errors"]![0]!["type"]);
        var steps = await Rejected(p => p["3"]!["inputs"]!["steps"] = 0);
        Assert.Equal("value_smaller_than_min", (string?)steps["node_errors"]!["3"]!["errors"]![0]!["type"]);
        var scheduler = await Rejected(p => p["3"]!["inputs"]!["scheduler"] = "no_such_scheduler");
        Assert.Equal("value_not_in_list", (string?)scheduler["node_errors"]!["3"]!["errors"]![0]!["type"]);
        var model = await Rejected(p => p["4"]!["inputs"]!["ckpt_name"] = "missing.safetensors");
        Assert.Equal("value_not_in_list", (string?)model["node_errors"]!["4"]!["errors"]![0]!["type"]);
    }

    [Fact]
    public async Task A_latent_of_another_channel_count_is_an_execution_error_naming_the_sampler()
    {
        var ct = TestContext.Current.CancellationToken;
        var prompt = Workflow("text-to-image");
        prompt["5"] = new JsonObject { ["class_type"] = "CsDiffusionLatent", ["inputs"] = new JsonObject { ["channels"] = 3 } };
        var (events, _, _) = await Run(prompt, "bad-latent", ct);
        var error = Events.First(events, "execution_error");
        Assert.NotNull(error);
        Assert.Equal("KSampler", (string?)error["data"]!["node_type"]);
        Assert.Contains("channels", (string?)error["data"]!["exception_message"]);

        // The server goes on.
        var (after, _, _) = await Run(Workflow("text-to-image"), "bad-latent-next", ct);
        AssertSuccess(after);
    }
}
