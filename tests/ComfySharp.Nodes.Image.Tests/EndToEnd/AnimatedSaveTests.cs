using System.Text.Json.Nodes;
using ComfySharp.Nodes.Image.Codec;
using ComfySharp.Server.Tests.Infrastructure;

namespace ComfySharp.Nodes.Image.Tests.EndToEnd;

/// <summary>SaveAnimatedPNG and SaveAnimatedWEBP through a real server, read back frame by frame by Pillow.</summary>
public sealed class AnimatedSaveTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private byte[] _a = null!;
    private byte[] _b = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        var a = Fixtures.Png(6, 5, seed: 1);
        var b = Fixtures.Png(6, 5, seed: 90);
        await Fixtures.UploadAsync(_server, "/upload/image", Fixtures.Upload(a, "a.png"), ct);
        await Fixtures.UploadAsync(_server, "/upload/image", Fixtures.Upload(b, "b.png"), ct);
        _a = ImageDecoder.Decode(a).First.Rgba;
        _b = ImageDecoder.Decode(b).First.Rgba;
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    /// <summary>Frames a, b, b, a: the repeated b is one frame shown twice as long, as Pillow and libwebp write it.</summary>
    private static JsonObject Prompt(JsonObject saver) => JsonNode.Parse($$$"""
        {
          "1": {"class_type": "LoadImage", "inputs": {"image": "a.png"}},
          "2": {"class_type": "LoadImage", "inputs": {"image": "b.png"}},
          "3": {"class_type": "ImageBatch", "inputs": {"image1": ["1", 0], "image2": ["2", 0]}},
          "4": {"class_type": "ImageBatch", "inputs": {"image1": ["2", 0], "image2": ["1", 0]}},
          "5": {"class_type": "ImageBatch", "inputs": {"image1": ["3", 0], "image2": ["4", 0]}},
          "6": {{{saver.ToJsonString()}}}
        }
        """)!.AsObject();

    [Theory]
    [InlineData("SaveAnimatedPNG", "png")]
    [InlineData("SaveAnimatedWEBP", "webp")]
    public async Task All_frames_their_durations_and_the_workflow_read_back_with_pillow(string node, string extension)
    {
        var ct = TestContext.Current.CancellationToken;
        var inputs = new JsonObject { ["images"] = new JsonArray("5", 0), ["filename_prefix"] = "anim/clip", ["fps"] = 8.0 };
        if (node == "SaveAnimatedPNG") inputs["compress_level"] = 9;
        else
        {
            inputs["lossless"] = true;
            inputs["quality"] = 80;
            inputs["method"] = "default";
        }
        var prompt = Prompt(new JsonObject { ["class_type"] = node, ["inputs"] = inputs });
        var workflow = JsonNode.Parse("""{"nodes": [{"id": 6, "type": "x"}], "version": 0.4}""")!;
        Directory.CreateDirectory(Path.Combine(_server.Folder, "output", "anim"));
        await File.WriteAllBytesAsync(Path.Combine(_server.Folder, "output", "anim", $"clip_00007_.{extension}"), [1], ct);

        await using var ws = await _server.ConnectAsync("anim-" + node, ct);
        var promptId = await _server.QueueAsync(prompt, "anim-" + node, ct,
            new JsonObject { ["extra_data"] = new JsonObject { ["extra_pnginfo"] = new JsonObject { ["workflow"] = workflow.DeepClone() } } });
        var events = await ws.CollectUntilDoneAsync(promptId, ct);
        Assert.Contains("execution_success", Events.Types(events));
        var output = (await _server.HistoryAsync(promptId, ct))["outputs"]!["6"]!;
        Assert.Equal($$"""{"images":[{"filename":"clip_00008_.{{extension}}","subfolder":"anim","type":"output"}],"animated":[true]}""",
            output.ToJsonString());

        using var folder = new TempFolder();
        var file = Path.Combine(_server.Folder, "output", "anim", $"clip_00008_.{extension}");
        var info = await Reference.JsonAsync(ct, "frames", file, folder.File("frames.raw"));
        Assert.Equal(extension == "png" ? "PNG" : "WEBP", (string?)info["format"]);
        Assert.Equal(3, (int)info["n_frames"]!);
        // int(1000 / 8) = 125 ms; the merged frame twice that.
        Assert.Equal([125, 250, 125], info["durations"]!.AsArray().Select(d => (int)(double)d!));
        var pixels = await File.ReadAllBytesAsync(folder.File("frames.raw"), ct);
        Assert.Equal(3 * 6 * 5 * 4, pixels.Length);
        Assert.Equal(_a, pixels[..120]);
        Assert.Equal(_b, pixels[120..240]);
        Assert.Equal(_a, pixels[240..]);

        if (extension == "png")
        {
            Assert.True(JsonNode.DeepEquals(prompt, JsonNode.Parse((string)info["comf"]!["prompt"]!)));
            Assert.True(JsonNode.DeepEquals(workflow, JsonNode.Parse((string)info["comf"]!["workflow"]!)));
        }
        else
        {
            var model = (string)info["exif"]!["272"]!;
            var make = (string)info["exif"]!["271"]!;
            Assert.StartsWith("prompt:", model, StringComparison.Ordinal);
            Assert.True(JsonNode.DeepEquals(prompt, JsonNode.Parse(model["prompt:".Length..])));
            Assert.StartsWith("workflow:", make, StringComparison.Ordinal);
            Assert.True(JsonNode.DeepEquals(workflow, JsonNode.Parse(make["workflow:".Length..])));
        }
    }

    [Fact]
    public async Task Lossy_webp_stays_close_and_a_single_image_is_a_still_file()
    {
        var ct = TestContext.Current.CancellationToken;
        var prompt = JsonNode.Parse("""
        {
          "1": {"class_type": "LoadImage", "inputs": {"image": "a.png"}},
          "2": {"class_type": "SaveAnimatedWEBP", "inputs": {"images": ["1", 0], "filename_prefix": "w", "fps": 6.0, "lossless": false, "quality": 90, "method": "slowest"}},
          "3": {"class_type": "SaveAnimatedPNG", "inputs": {"images": ["1", 0], "filename_prefix": "p", "fps": 6.0, "compress_level": 1}}
        }
        """)!.AsObject();
        await using var ws = await _server.ConnectAsync("still", ct);
        var promptId = await _server.QueueAsync(prompt, "still", ct);
        Assert.Contains("execution_success", Events.Types(await ws.CollectUntilDoneAsync(promptId, ct)));
        var outputs = (await _server.HistoryAsync(promptId, ct))["outputs"]!;
        // As ComfyUI: WEBP says animated = (batch != 1), APNG always says animated.
        Assert.Equal("""{"images":[{"filename":"w_00001_.webp","subfolder":"","type":"output"}],"animated":[false]}""", outputs["2"]!.ToJsonString());
        Assert.Equal("""{"images":[{"filename":"p_00001_.png","subfolder":"","type":"output"}],"animated":[true]}""", outputs["3"]!.ToJsonString());

        using var folder = new TempFolder();
        var webp = await Reference.JsonAsync(ct, "frames", Path.Combine(_server.Folder, "output", "w_00001_.webp"), folder.File("w.raw"));
        Assert.Equal(1, (int)webp["n_frames"]!);
        var lossy = await File.ReadAllBytesAsync(folder.File("w.raw"), ct);
        var error = 0.0;
        for (var i = 0; i < lossy.Length; i++) error += Math.Abs(lossy[i] - _a[i]);
        Assert.True(error / lossy.Length < 12, $"mean error {error / lossy.Length}");
        Assert.StartsWith("prompt:", (string)webp["exif"]!["272"]!, StringComparison.Ordinal);

        var png = await Reference.JsonAsync(ct, "frames", Path.Combine(_server.Folder, "output", "p_00001_.png"), folder.File("p.raw"));
        Assert.Equal(1, (int)png["n_frames"]!);
        Assert.Equal(_a, await File.ReadAllBytesAsync(folder.File("p.raw"), ct));
        Assert.True(JsonNode.DeepEquals(prompt, JsonNode.Parse((string)png["comf"]!["prompt"]!)));
    }

    [Fact]
    public void Object_info_shapes_match_comfyui()
    {
        var webp = Io.SaveAnimatedWEBP.Schema;
        Assert.Equal(["images", "filename_prefix", "fps", "lossless", "quality", "method"],
            webp.Inputs.Where(i => i.Section != Engine.Nodes.InputSection.Hidden).Select(i => i.Name));
        Assert.Equal("image/animation", webp.Category);
        Assert.True(webp.OutputNode);
        var png = Io.SaveAnimatedPNG.Schema;
        Assert.Equal(["images", "filename_prefix", "fps", "compress_level"],
            png.Inputs.Where(i => i.Section != Engine.Nodes.InputSection.Hidden).Select(i => i.Name));
    }
}
