using System.Text.Json.Nodes;
using ComfySharp.Diffusion.Safetensors;
using ComfySharp.Diffusion.Tests.Infrastructure;

namespace ComfySharp.Interop.Tests;

/// <summary>The WebSocket API document's Python client runs ComfyUI's default text-to-image graph on a tiny checkpoint.</summary>
public sealed class SeedTextToImageTests : InProcessServer
{
    [Fact]
    public async Task The_seed_documents_python_client_runs_the_default_text_to_image_graph()
    {
        var ct = TestContext.Current.CancellationToken;
        var models = Path.Combine(Folder, "models");
        Directory.CreateDirectory(Path.Combine(models, "checkpoints"));
        TinyCheckpoint.Write(Path.Combine(models, "checkpoints", "tiny.safetensors"), SafetensorsDType.F16);
        TinyVocabulary.WriteTo(Path.Combine(models, "tokenizers", "sd1_tokenizer"));

        var (exit, output, error) = await ChildProcess.RunAsync("/usr/bin/python3",
            [Path.Combine(RepoPaths.Interop, "seed_text_to_image.py"), Server.BaseAddress.Authority, "tiny.safetensors"],
            RepoPaths.Interop, TimeSpan.FromMinutes(3), ct);
        Assert.True(exit == 0, $"seed_text_to_image.py failed ({exit}): {output}\n{error}");

        var result = JsonNode.Parse(output)!;
        Assert.Equal("success", (string?)result["status"]);
        var image = result["images"]![0]!;
        Assert.Equal("9", (string?)image["node"]);
        Assert.True((bool)image["png"]!);
        // ComfyUI's throttle may skip middle steps; the first and last always arrive.
        var steps = result["progress"]!.AsArray().Where(p => (string?)p![2] == "3").Select(p => (int)p![0]!).ToList();
        Assert.Equal(1, steps[0]);
        Assert.Equal(3, steps[^1]);
    }
}
