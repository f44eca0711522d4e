using System.Text.Json.Nodes;
using ComfySharp.Nodes.Image.Codec;
using ComfySharp.Server.Tests.Infrastructure;

namespace ComfySharp.Nodes.Image.Tests.EndToEnd;

/// <summary>upload → LoadImage → ops → SaveImage / PreviewImage → /view through a real server, checked with Pillow as well.</summary>
public sealed class ImageFlowTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await TestServer.StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Uploaded_image_inverted_and_saved_reads_back_with_its_workflow()
    {
        var ct = TestContext.Current.CancellationToken;
        var source = Fixtures.Png(9, 7, alpha: true, seed: 5);
        await Fixtures.UploadAsync(_server, "/upload/image", Fixtures.Upload(source, "flow.png"), ct);
        Directory.CreateDirectory(Path.Combine(_server.Folder, "output", "e2e"));
        await File.WriteAllBytesAsync(Path.Combine(_server.Folder, "output", "e2e", "run_00041_.png"), Fixtures.Png(1, 1), ct);

        var prompt = JsonNode.Parse("""
        {
          "1": {"class_type": "LoadImage", "inputs": {"image": "flow.png"}},
          "2": {"class_type": "ImageInvert", "inputs": {"image": ["1", 0]}},
          "3": {"class_type": "SaveImage", "inputs": {"images": ["2", 0], "filename_prefix": "e2e/run"}},
          "4": {"class_type": "MaskToImage", "inputs": {"mask": ["1", 1]}},
          "5": {"class_type": "PreviewImage", "inputs": {"images": ["4", 0]}}
        }
        """)!.AsObject();
        var workflow = JsonNode.Parse("""{"last_node_id": 5, "nodes": [{"id": 1, "type": "LoadImage", "title": "caf\u00e9"}], "version": 0.4}""")!;
        await using var ws = await _server.ConnectAsync("flow-client", ct);
        var promptId = await _server.QueueAsync(prompt, "flow-client", ct,
            new JsonObject { ["extra_data"] = new JsonObject { ["extra_pnginfo"] = new JsonObject { ["workflow"] = workflow.DeepClone() } } });
        var events = await ws.CollectUntilDoneAsync(promptId, ct);
        Assert.Contains("execution_success", Events.Types(events));

        var history = await _server.HistoryAsync(promptId, ct);
        var saved = history["outputs"]!["3"]!["images"]![0]!;
        Assert.Equal("""{"filename":"run_00042_.png","subfolder":"e2e","type":"output"}""", saved.ToJsonString());
        var preview = history["outputs"]!["5"]!["images"]![0]!;
        Assert.Equal("temp", (string?)preview["type"]);
        Assert.Matches("^ComfyUI_temp_[a-z]{5}_00001_\\.png$", (string?)preview["filename"]);

        // Pixels: 1 - v/255, written as numpy writes it (scaled by 255, clipped, truncated).
        using var response = await _server.Http.GetAsync("/view?filename=run_00042_.png&subfolder=e2e&type=output", ct);
        var png = await response.Content.ReadAsByteArrayAsync(ct);
        var frame = ImageDecoder.Decode(png).First;
        Assert.False(frame.HasAlpha);
        var original = ImageDecoder.Decode(source).First;
        for (var i = 0; i < original.Rgba.Length; i++)
        {
            if (i % 4 == 3) continue;
            var expected = (byte)Math.Clamp(255f * (1f - original.Rgba[i] / 255f), 0f, 255f);
            Assert.Equal(expected, frame.Rgba[i]);
        }

        // A different decoder (Pillow) reads the text chunks back, equal to what was submitted.
        var file = Path.Combine(_server.Folder, "output", "e2e", "run_00042_.png");
        var texts = await Reference.JsonAsync(ct, "text", file);
        Assert.True(JsonNode.DeepEquals(prompt, JsonNode.Parse((string)texts["prompt"]!)));
        Assert.True(JsonNode.DeepEquals(workflow, JsonNode.Parse((string)texts["workflow"]!)));
        var info = await Reference.JsonAsync(ct, "info", file);
        Assert.Equal("RGB", (string?)info["mode"]);

        // The preview of the mask: 1 - alpha.
        using var previewResponse = await _server.Http.GetAsync($"/view?filename={preview["filename"]}&type=temp", ct);
        var maskFrame = ImageDecoder.Decode(await previewResponse.Content.ReadAsByteArrayAsync(ct)).First;
        for (var p = 0; p < 9 * 7; p++)
        {
            Assert.Equal((byte)(255f * (1f - original.Rgba[p * 4 + 3] / 255f)), maskFrame.Rgba[p * 4]);
        }
    }

    [Fact]
    public async Task Uploaded_image_scaled_cropped_and_inverted_matches_pillow_and_every_extra_pnginfo_entry_is_kept()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder();
        var source = Fixtures.Png(23, 17, alpha: true, seed: 11);
        await File.WriteAllBytesAsync(folder.File("source.png"), source, ct);
        var (status, _) = await Fixtures.UploadAsync(_server, "/upload/image", Fixtures.Upload(source, "chain source.png", ("subfolder", "chain")), ct);
        Assert.Equal(200, status);

        var prompt = JsonNode.Parse("""
        {
          "1": {"class_type": "LoadImage", "inputs": {"image": "chain/chain source.png"}},
          "2": {"class_type": "ImageScale", "inputs": {"image": ["1", 0], "upscale_method": "lanczos", "width": 41, "height": 19, "crop": "center"}},
          "3": {"class_type": "ImageCrop", "inputs": {"image": ["2", 0], "width": 30, "height": 40, "x": 7, "y": 3}},
          "4": {"class_type": "ImageInvert", "inputs": {"image": ["3", 0]}},
          "5": {"class_type": "SaveImage", "inputs": {"images": ["4", 0], "filename_prefix": "chain/out"}}
        }
        """)!.AsObject();
        var extra = new JsonObject
        {
            ["workflow"] = JsonNode.Parse("""{"nodes": [], "links": [], "version": 0.4}"""),
            ["notes"] = JsonNode.Parse("""{"text": "ünïcode \"quoted\"", "n": [1, 2.5, null, true]}"""),
        };
        await using var ws = await _server.ConnectAsync("chain-client", ct);
        var promptId = await _server.QueueAsync(prompt, "chain-client", ct,
            new JsonObject { ["extra_data"] = new JsonObject { ["extra_pnginfo"] = extra.DeepClone() } });
        Assert.Contains("execution_success", Events.Types(await ws.CollectUntilDoneAsync(promptId, ct)));
        var saved = (await _server.HistoryAsync(promptId, ct))["outputs"]!["5"]!["images"]![0]!;
        Assert.Equal("""{"filename":"out_00001_.png","subfolder":"chain","type":"output"}""", saved.ToJsonString());

        var shape = await Reference.JsonAsync(ct, "chain", folder.File("source.png"), "41", "19", "30", "40", "7", "3", folder.File("expected.raw"));
        using var response = await _server.Http.GetAsync("/view?filename=out_00001_.png&subfolder=chain&type=output", ct);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var frame = ImageDecoder.Decode(await response.Content.ReadAsByteArrayAsync(ct)).First;
        Assert.Equal(((int)shape[1]!, (int)shape[0]!), (frame.Width, frame.Height));
        Assert.Equal(await File.ReadAllBytesAsync(folder.File("expected.raw"), ct), Pixels.RgbaToRgb(frame.Rgba));

        // Every extra_pnginfo key is its own text chunk, read back by Pillow equal to what was sent.
        var texts = await Reference.JsonAsync(ct, "text", Path.Combine(_server.Folder, "output", "chain", "out_00001_.png"));
        Assert.Equal(["prompt", "workflow", "notes"], texts.AsObject().Select(p => p.Key));
        Assert.True(JsonNode.DeepEquals(extra["notes"], JsonNode.Parse((string)texts["notes"]!)));
        Assert.True(JsonNode.DeepEquals(extra["workflow"], JsonNode.Parse((string)texts["workflow"]!)));
    }

    [Fact]
    public async Task A_prefix_leaving_the_output_folder_fails_the_node_and_writes_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var prompt = JsonNode.Parse("""
        {
          "1": {"class_type": "EmptyImage", "inputs": {"width": 4, "height": 4, "batch_size": 1, "color": 255}},
          "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "../../escaped"}}
        }
        """)!.AsObject();
        await using var ws = await _server.ConnectAsync("escape-client", ct);
        var promptId = await _server.QueueAsync(prompt, "escape-client", ct);
        var events = await ws.CollectUntilDoneAsync(promptId, ct);
        var error = Events.First(events, "execution_error");
        Assert.NotNull(error);
        Assert.Contains("outside the output folder", (string?)error["data"]!["exception_message"], StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(Path.GetDirectoryName(_server.Folder)!, "escaped*"));
    }

    [Fact]
    public async Task A_missing_input_file_is_a_validation_error()
    {
        var ct = TestContext.Current.CancellationToken;
        var prompt = JsonNode.Parse("""{"1": {"class_type": "LoadImage", "inputs": {"image": "../secret.png"}}, "2": {"class_type": "PreviewImage", "inputs": {"images": ["1", 0]}}}""")!.AsObject();
        var (status, body) = await _server.PostJsonAsync("/prompt", new JsonObject { ["prompt"] = prompt }, ct);
        Assert.Equal(400, status);
        Assert.Contains("Invalid image file: ../secret.png", body!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SaveImageWebsocket_images_reach_the_example_scripts_flow()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder();
        var prompt = JsonNode.Parse("""
        {
          "1": {"class_type": "EmptyImage", "inputs": {"width": 12, "height": 8, "batch_size": 2, "color": 16744448}},
          "save_image_websocket_node": {"class_type": "SaveImageWebsocket", "inputs": {"images": ["1", 0]}}
        }
        """)!;
        await File.WriteAllTextAsync(folder.File("prompt.json"), prompt.ToJsonString(), ct);
        var output = await Reference.RunScriptAsync("ws_images.py", [_server.BaseAddress.Authority, folder.File("prompt.json"), folder.Path], ct);
        var summary = JsonNode.Parse(output)!;
        Assert.Equal(2, (int)summary["count"]!);
        // Legacy clients get type-1 frames: event 1 (preview image), format 2 (PNG).
        Assert.All(summary["headers"]!.AsArray(), h => Assert.Equal("[0,0,0,1,0,0,0,2]", h!.ToJsonString()));
        for (var i = 0; i < 2; i++)
        {
            var frame = ImageDecoder.Decode(await File.ReadAllBytesAsync(folder.File($"{i}.png"), ct)).First;
            Assert.Equal((12, 8), (frame.Width, frame.Height));
            Assert.Equal([255, 128, 0, 255], frame.Rgba.AsSpan(0, 4).ToArray());
        }
    }

    [Fact]
    public async Task The_websocket_api_examples_flow_fetches_the_saved_images_through_history_and_view()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder();
        var prompt = JsonNode.Parse("""
        {
          "3": {"class_type": "EmptyImage", "inputs": {"width": 5, "height": 4, "batch_size": 2, "color": 3368601}},
          "9": {"class_type": "SaveImage", "inputs": {"images": ["3", 0], "filename_prefix": "api flow/ComfyUI"}},
          "10": {"class_type": "PreviewImage", "inputs": {"images": ["3", 0]}}
        }
        """)!;
        await File.WriteAllTextAsync(folder.File("prompt.json"), prompt.ToJsonString(), ct);
        var output = await Reference.RunScriptAsync("ws_api_flow.py", [_server.BaseAddress.Authority, folder.File("prompt.json"), folder.Path], ct);
        var fetched = JsonNode.Parse(output)!;
        Assert.Equal(2, fetched["9"]!.AsArray().Count);
        Assert.Equal(2, fetched["10"]!.AsArray().Count);
        Assert.Equal("ComfyUI_00001_.png", (string?)fetched["9"]![0]!["filename"]);
        foreach (var image in fetched["9"]!.AsArray().Concat(fetched["10"]!.AsArray()))
        {
            Assert.Equal("image/png", (string?)image!["content_type"]);
            var frame = ImageDecoder.Decode(await File.ReadAllBytesAsync((string)image["path"]!, ct)).First;
            Assert.Equal((5, 4), (frame.Width, frame.Height));
            // 0x336699
            Assert.Equal([0x33, 0x66, 0x99, 255], frame.Rgba.AsSpan(0, 4).ToArray());
        }
    }

    [Fact]
    public async Task Clients_with_preview_metadata_get_type_4_frames_from_SaveImageWebsocket()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var ws = await _server.ConnectAsync("meta-client", ct);
        await ws.SendTextAsync("""{"type": "feature_flags", "data": {"supports_preview_metadata": true}}""", ct);
        // The flags hold once the server answers them: the socket's messages and the POST travel apart, and a prompt queued
        // before the answer may run (and send its preview) before the flags were read.
        while ((await ws.ReceiveAsync(ct) ?? throw new InvalidOperationException("closed")).Type != "feature_flags")
        {
        }
        var prompt = JsonNode.Parse("""
        {
          "7": {"class_type": "EmptyImage", "inputs": {"width": 3, "height": 2, "batch_size": 1, "color": 65280}},
          "8": {"class_type": "SaveImageWebsocket", "inputs": {"images": ["7", 0]}}
        }
        """)!.AsObject();
        var promptId = await _server.QueueAsync(prompt, "meta-client", ct);
        byte[]? binary = null;
        while (true)
        {
            var frame = await ws.ReceiveAsync(ct) ?? throw new InvalidOperationException("closed");
            if (frame.Binary is not null) binary = frame.Binary;
            if (frame.Type == "executing" && frame.Json!["data"]!["node"] is null && (string?)frame.Json["data"]!["prompt_id"] == promptId) break;
        }
        Assert.NotNull(binary);
        Assert.Equal([0, 0, 0, 4], binary.AsSpan(0, 4).ToArray());
        var length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(binary.AsSpan(4));
        var metadata = JsonNode.Parse(binary.AsSpan(8, length))!;
        Assert.Equal("8", (string?)metadata["node_id"]);
        Assert.Equal("image/png", (string?)metadata["image_type"]);
        var image = ImageDecoder.Decode(binary.AsSpan(8 + length).ToArray()).First;
        Assert.Equal([0, 255, 0, 255], image.Rgba.AsSpan(0, 4).ToArray());
    }
}
