using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ComfySharp.Nodes.Image.Codec;
using ComfySharp.Server.Tests.Infrastructure;

namespace ComfySharp.Nodes.Image.Tests.Routes;

/// <summary>The temp folder at start, SaveImage counters, <c>--disable-metadata</c>, <c>/view_metadata</c> and the other file-naming routes' escapes.</summary>
public sealed class FoldersAndMetadataTests
{
    [Fact]
    public async Task The_temp_folder_is_emptied_at_start_and_the_others_are_kept()
    {
        var folder = Path.Combine(Path.GetTempPath(), "comfysharp-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(folder, "temp", "sub"));
        Directory.CreateDirectory(Path.Combine(folder, "output"));
        await File.WriteAllBytesAsync(Path.Combine(folder, "temp", "ComfyUI_temp_abcde_00001_.png"), [1], TestContext.Current.CancellationToken);
        await File.WriteAllBytesAsync(Path.Combine(folder, "temp", "sub", "x.png"), [1], TestContext.Current.CancellationToken);
        await File.WriteAllBytesAsync(Path.Combine(folder, "output", "kept.png"), [1], TestContext.Current.CancellationToken);
        await using var server = await TestServer.StartAsync(folder: folder);
        Assert.True(Directory.Exists(Path.Combine(folder, "temp")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(folder, "temp")));
        Assert.True(File.Exists(Path.Combine(folder, "output", "kept.png")));
    }

    [Fact]
    public async Task Counters_continue_after_the_largest_of_the_same_prefix_and_metadata_can_be_disabled()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await TestServer.StartAsync(o => o.DisableMetadata = true);
        var output = Path.Combine(server.Folder, "output");
        foreach (var name in new[] { "shot_00003_.png", "shot_00010_.webp", "shotx_00099_.png", "other_00500_.png", "shot_notanumber_.png" })
        {
            await File.WriteAllBytesAsync(Path.Combine(output, name), [1], ct);
        }
        var prompt = JsonNode.Parse("""
        {
          "1": {"class_type": "EmptyImage", "inputs": {"width": 3, "height": 2, "batch_size": 2, "color": 16711680}},
          "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "shot"}},
          "3": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "%width%x%height%/b%batch_num%"}}
        }
        """)!.AsObject();
        await using var ws = await server.ConnectAsync("counter", ct);
        var id = await server.QueueAsync(prompt, "counter", ct,
            new JsonObject { ["extra_data"] = new JsonObject { ["extra_pnginfo"] = new JsonObject { ["workflow"] = new JsonObject() } } });
        Assert.Contains("execution_success", Events.Types(await ws.CollectUntilDoneAsync(id, ct)));
        var outputs = (await server.HistoryAsync(id, ct))["outputs"]!;
        Assert.Equal(["shot_00011_.png", "shot_00012_.png"], outputs["2"]!["images"]!.AsArray().Select(i => (string)i!["filename"]!));
        Assert.Equal(["b0_00001_.png", "b1_00002_.png"], outputs["3"]!["images"]!.AsArray().Select(i => (string)i!["filename"]!));
        Assert.Equal("3x2", (string?)outputs["3"]!["images"]![0]!["subfolder"]);
        var saved = await File.ReadAllBytesAsync(Path.Combine(output, "shot_00011_.png"), ct);
        Assert.Empty(PngText.Read(saved));
        Assert.Equal([255, 0, 0, 255], ImageDecoder.Decode(saved).First.Rgba[..4]);
    }

    [Fact]
    public async Task View_metadata_answers_the_safetensors_metadata_and_404_for_everything_else()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await TestServer.StartAsync();
        var checkpoints = Path.Combine(server.Folder, "models", "checkpoints");
        Directory.CreateDirectory(Path.Combine(checkpoints, "sd"));
        await WriteSafetensorsAsync(Path.Combine(checkpoints, "sd", "tiny.safetensors"),
            """{"__metadata__": {"modelspec.title": "tiny", "ss_steps": "10"}, "w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}""");
        await WriteSafetensorsAsync(Path.Combine(checkpoints, "plain.safetensors"), """{"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}""");
        await WriteSafetensorsAsync(Path.Combine(server.Folder, "models", "outside.safetensors"), """{"__metadata__": {"secret": "yes"}}""");
        await File.WriteAllBytesAsync(Path.Combine(checkpoints, "broken.safetensors"), [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 1], ct);
        // A header that is JSON but not UTF-8 (the reader would throw only when it decodes the name).
        var notUtf8 = Path.Combine(checkpoints, "notutf8.safetensors");
        await WriteSafetensorsAsync(notUtf8, """{"__metadata__": {"~": "x"}}""");
        var raw = await File.ReadAllBytesAsync(notUtf8, ct);
        raw[Array.IndexOf(raw, (byte)'~')] = 0xFF;
        await File.WriteAllBytesAsync(notUtf8, raw, ct);

        var (status, body) = await server.GetJsonAsync("/view_metadata/checkpoints?filename=sd/tiny.safetensors", ct);
        Assert.Equal(200, status);
        Assert.Equal("""{"modelspec.title":"tiny","ss_steps":"10"}""", body!.ToJsonString());
        foreach (var query in new[]
        {
            "checkpoints?filename=plain.safetensors", "checkpoints?filename=missing.safetensors", "checkpoints?filename=broken.safetensors",
            "checkpoints?filename=notutf8.safetensors",
            "checkpoints?filename=../outside.safetensors", "checkpoints?filename=%2E%2E%2Foutside.safetensors",
            "checkpoints?filename=/etc/passwd", "nowhere?filename=tiny.safetensors", "checkpoints?filename=sd%00/tiny.safetensors",
            "checkpoints?filename=sd\\tiny.safetensors", "checkpoints", "..?filename=outside.safetensors",
        })
        {
            using var response = await server.Http.GetAsync("/view_metadata/" + query, ct);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{query}: {response.StatusCode}");
        }
    }

    [Theory]
    [InlineData("""{"filename":"secret.png","subfolder":"..","type":"output"}""")]
    [InlineData("""{"filename":"../secret.png","type":"output"}""")]
    [InlineData("""{"filename":"/tmp/secret.png","type":"output"}""")]
    [InlineData("""{"filename":"secret.png","type":"models"}""")]
    [InlineData("""{"filename":"secret.png [base]","type":"output"}""")]
    [InlineData("""{"filename":"..\\secret.png","type":"output"}""")]
    [InlineData("""not json""")]
    [InlineData("""{"filename":"link.png","type":"output"}""")]
    [InlineData("""{"filename":"secret.png","subfolder":"linkdir","type":"output"}""")]
    [InlineData("""{"filename":"secret.png\u0000","type":"output"}""")]
    [InlineData("""{"filename":"C:\\secret.png","type":"output"}""")]
    [InlineData("""{"filename":"","type":"output"}""")]
    [InlineData("""{"filename":42,"type":"output"}""")]
    [InlineData("""["secret.png"]""")]
    public async Task A_mask_never_reads_an_original_outside_the_folders(string reference)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await TestServer.StartAsync();
        await File.WriteAllBytesAsync(Path.Combine(server.Folder, "secret.png"), Fixtures.Png(2, 2), ct);
        // Links inside the output folder that point at the secret and at its folder.
        File.CreateSymbolicLink(Path.Combine(server.Folder, "output", "link.png"), Path.Combine(server.Folder, "secret.png"));
        Directory.CreateSymbolicLink(Path.Combine(server.Folder, "output", "linkdir"), server.Folder);
        var (status, _) = await Fixtures.UploadAsync(server, "/upload/mask",
            Fixtures.Upload(Fixtures.Png(2, 2, alpha: true), "mask.png", ("original_ref", reference)), ct);
        Assert.Equal(400, status);
        Assert.Empty(Fixtures.Files(Path.Combine(server.Folder, "input")));
    }

    [Theory]
    [InlineData("../secret.png")]
    [InlineData("/tmp/secret.png")]
    [InlineData("..%2Fsecret.png")]
    [InlineData("../secret.png [output]")]
    [InlineData("secret.png [base]")]
    [InlineData("sub\\..\\..\\secret.png")]
    [InlineData("secret\0.png")]
    [InlineData("link.png")]
    [InlineData("linkdir/secret.png")]
    [InlineData("C:\\secret.png")]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("secret.png [models]")]
    public async Task LoadImage_refuses_names_outside_the_folders_and_finds_annotated_ones(string name)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await TestServer.StartAsync();
        await File.WriteAllBytesAsync(Path.Combine(server.Folder, "secret.png"), Fixtures.Png(2, 2), ct);
        // Links inside the input folder that point out: listed by the combo as ComfyUI lists them, refused when loaded.
        File.CreateSymbolicLink(Path.Combine(server.Folder, "input", "link.png"), Path.Combine(server.Folder, "secret.png"));
        Directory.CreateSymbolicLink(Path.Combine(server.Folder, "input", "linkdir"), server.Folder);
        await File.WriteAllBytesAsync(Path.Combine(server.Folder, "output", "made.png"), Fixtures.Png(2, 2), ct);
        JsonObject Prompt(string image) => new()
        {
            ["1"] = new JsonObject { ["class_type"] = "LoadImage", ["inputs"] = new JsonObject { ["image"] = image } },
            ["2"] = new JsonObject { ["class_type"] = "PreviewImage", ["inputs"] = new JsonObject { ["images"] = new JsonArray("1", 0) } },
        };
        var (refused, body) = await server.PostJsonAsync("/prompt", new JsonObject { ["prompt"] = Prompt(name) }, ct);
        Assert.Equal(400, refused);
        Assert.Contains("Invalid image file", body!.ToJsonString(), StringComparison.Ordinal);
        var (accepted, _) = await server.PostJsonAsync("/prompt", new JsonObject { ["prompt"] = Prompt("made.png [output]") }, ct);
        Assert.Equal(200, accepted);
    }

    private static async Task WriteSafetensorsAsync(string path, string header)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + 4];
        BitConverter.TryWriteBytes(bytes.AsSpan(0, 8), (long)json.Length);
        json.CopyTo(bytes, 8);
        await File.WriteAllBytesAsync(path, bytes);
    }
}
