using System.Text.Json.Nodes;
using ComfySharp.Nodes.Image.Codec;
using ComfySharp.Server.Tests.Infrastructure;

namespace ComfySharp.Nodes.Image.Tests.EndToEnd;

/// <summary>ImageQuantize through a real server: schema, validation of its inputs, and upload → quantize → SaveImage checked with Pillow.</summary>
public sealed class QuantizeFlowTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await TestServer.StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Object_info_has_ComfyUIs_schema()
    {
        var ct = TestContext.Current.CancellationToken;
        var (status, body) = await _server.GetJsonAsync("/object_info/ImageQuantize", ct);
        Assert.Equal(200, status);
        var node = body!["ImageQuantize"]!;
        var required = node["input"]!["required"]!;
        Assert.Equal("""["INT",{"default":256,"min":1,"max":256,"step":1}]""", required["colors"]!.ToJsonString());
        Assert.Equal("""["none","floyd-steinberg","bayer-2","bayer-4","bayer-8","bayer-16"]""", required["dither"]![0]!.ToJsonString());
        Assert.Equal("IMAGE", (string?)required["image"]![0]);
        Assert.Equal("""["IMAGE"]""", node["output"]!.ToJsonString());
        Assert.Equal("image/postprocessing", (string?)node["category"]);
        Assert.Equal("Image Quantize", (string?)node["display_name"]);
    }

    [Theory]
    [InlineData(0, "value_smaller_than_min", "Value 0 smaller than min of 1")]
    [InlineData(257, "value_bigger_than_max", "Value 257 bigger than max of 256")]
    public async Task Colors_out_of_range_are_rejected_before_running(int colors, string type, string message)
    {
        var ct = TestContext.Current.CancellationToken;
        var prompt = Prompt("nothing.png", colors, "none");
        prompt["1"] = JsonNode.Parse("""{"class_type": "EmptyImage", "inputs": {"width": 4, "height": 4, "batch_size": 1, "color": 0}}""");
        var (status, body) = await _server.PostJsonAsync("/prompt", new JsonObject { ["prompt"] = prompt }, ct);
        Assert.Equal(400, status);
        Assert.Equal("prompt_outputs_failed_validation", (string?)body!["error"]!["type"]);
        var node = body["node_errors"]!["2"]!;
        Assert.Equal("ImageQuantize", (string?)node["class_type"]);
        var error = node["errors"]![0]!;
        Assert.Equal(type, (string?)error["type"]);
        Assert.Equal(message, (string?)error["message"]);
        Assert.Equal("colors", (string?)error["extra_info"]!["input_name"]);
        Assert.Equal(colors, (int)error["extra_info"]!["received_value"]!);
    }

    [Fact]
    public async Task An_unknown_dither_is_rejected_before_running()
    {
        var ct = TestContext.Current.CancellationToken;
        var prompt = Prompt("nothing.png", 8, "bayer-3");
        prompt["1"] = JsonNode.Parse("""{"class_type": "EmptyImage", "inputs": {"width": 4, "height": 4, "batch_size": 1, "color": 0}}""");
        var (status, body) = await _server.PostJsonAsync("/prompt", new JsonObject { ["prompt"] = prompt }, ct);
        Assert.Equal(400, status);
        var error = body!["node_errors"]!["2"]!["errors"]![0]!;
        Assert.Equal("value_not_in_list", (string?)error["type"]);
        Assert.Equal("dither", (string?)error["extra_info"]!["input_name"]);
    }

    [Fact]
    public async Task Uploaded_image_quantized_and_saved_matches_Pillow()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder();
        var (w, h) = (40, 30);
        await Reference.RunScriptAsync("quantize.py", ["image", "photo", $"{w}", $"{h}", folder.File("in.rgb")], ct);
        var pixels = await File.ReadAllBytesAsync(folder.File("in.rgb"), ct);
        await Fixtures.UploadAsync(_server, "/upload/image", Fixtures.Upload(ImageEncoder.Png(pixels, w, h, 3), "quantize.png"), ct);

        await using var ws = await _server.ConnectAsync("quantize-client", ct);
        var promptId = await _server.QueueAsync(Prompt("quantize.png", 12, "floyd-steinberg"), "quantize-client", ct);
        var events = await ws.CollectUntilDoneAsync(promptId, ct);
        Assert.Contains("execution_success", Events.Types(events));

        var history = await _server.HistoryAsync(promptId, ct);
        var saved = history["outputs"]!["3"]!["images"]![0]!;
        using var response = await _server.Http.GetAsync($"/view?filename={saved["filename"]}&subfolder={saved["subfolder"]}&type=output", ct);
        var frame = ImageDecoder.Decode(await response.Content.ReadAsByteArrayAsync(ct)).First;

        await Reference.RunScriptAsync("quantize.py", [folder.File("in.rgb"), $"{w}", $"{h}", "12", "floyd-steinberg", folder.File("out")], ct);
        var expected = await File.ReadAllBytesAsync(folder.File("out.12.floyd-steinberg.rgb"), ct);
        Assert.Equal(expected, Pixels.RgbaToRgb(frame.Rgba));
        Assert.True(expected.Chunk(3).Select(p => (p[0], p[1], p[2])).Distinct().Count() <= 12);
    }

    private static JsonObject Prompt(string image, int colors, string dither) => JsonNode.Parse($$$"""
        {
          "1": {"class_type": "LoadImage", "inputs": {"image": "{{{image}}}"}},
          "2": {"class_type": "ImageQuantize", "inputs": {"image": ["1", 0], "colors": {{{colors}}}, "dither": "{{{dither}}}"}},
          "3": {"class_type": "SaveImage", "inputs": {"images": ["2", 0], "filename_prefix": "quantized"}}
        }
        """)!.AsObject();
}
