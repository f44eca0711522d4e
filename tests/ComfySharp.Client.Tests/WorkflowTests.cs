using System.Text.Json.Nodes;
using ComfySharp.Client.Tests.Infrastructure;
using ComfySharp.Client.Workflows;
using ComfySharp.Server.Tests.Infrastructure;

namespace ComfySharp.Client.Tests;

public sealed class WorkflowTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string ApiJson = """
        {
          "3": {"class_type": "KSampler", "inputs": {"seed": 1, "steps": 20, "model": ["4", 0]}, "_meta": {"title": "Main Sampler"}},
          "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "a.safetensors"}},
          "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a cat", "clip": ["4", 1]}, "_meta": {"title": "Positive.Prompt"}},
          "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "", "clip": ["4", 1]}}
        }
        """;

    [Fact]
    public void Inputs_are_set_by_id_path_short_path_title_and_unique_class_type()
    {
        var workflow = Workflow.Parse(ApiJson);
        workflow.Set("3.inputs.seed", 42).Set("3.steps", 8).Set("Main Sampler.cfg", 6.5).Set("Positive.Prompt.text", "a dog")
            .Set("CheckpointLoaderSimple.ckpt_name", "b.safetensors");
        Assert.Equal(42, (int)workflow.Get("3.seed")!);
        Assert.Equal(8, (int)workflow.Get("Main Sampler.inputs.steps")!);
        Assert.Equal(6.5, (double)workflow.Get("3.cfg")!);
        Assert.Equal("a dog", (string?)workflow.Get("6.text"));
        Assert.Equal("b.safetensors", (string?)workflow.Get("4.ckpt_name"));
        Assert.Equal("Main Sampler", workflow.FindNode("3").Title);
    }

    [Fact]
    public void Bad_paths_and_ambiguous_selectors_are_clear_errors()
    {
        var workflow = Workflow.Parse(ApiJson);
        Assert.Contains("'99'", Assert.Throws<KeyNotFoundException>(() => workflow.Set("99.seed", 1)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => workflow.Set("seed", 1));
        Assert.Throws<ArgumentException>(() => workflow.Set("3.", 1));
        Assert.Contains("Several nodes", Assert.Throws<ArgumentException>(() => workflow.Set("CLIPTextEncode.text", "x")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Non_api_json_is_rejected_with_a_reason()
    {
        Assert.Contains("UI-format", Assert.Throws<FormatException>(() => Workflow.Parse("""{"nodes": [], "links": []}""")).Message, StringComparison.Ordinal);
        Assert.Contains("class_type", Assert.Throws<FormatException>(() => Workflow.Parse("""{"1": {"inputs": {}}}""")).Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => Workflow.Parse("[1, 2]"));
        Assert.Throws<FormatException>(() => Workflow.Parse("{not json"));
        Assert.Throws<FormatException>(() => Workflow.Parse("""{"1": {"class_type": "X", "inputs": 5}}"""));
        // A /prompt request body is unwrapped.
        Assert.Equal(1, Workflow.Parse("""{"prompt": {"1": {"class_type": "X", "inputs": {}}}, "client_id": "c"}""").Count);
    }

    [Fact]
    public async Task Save_and_load_round_trip_keeps_ids_titles_and_links()
    {
        var ct = TestContext.Current.CancellationToken;
        var path = Path.Combine(Path.GetTempPath(), "comfysharp-client-" + Prompts.NewId() + ".json");
        try
        {
            var workflow = Workflow.Parse(ApiJson).Set("3.seed", 7);
            await workflow.SaveAsync(path, ct);
            var loaded = await Workflow.LoadAsync(path, ct);
            Assert.True(JsonNode.DeepEquals(workflow.ToJsonObject(), loaded.ToJsonObject()));
            Assert.Equal(["3", "4", "6", "7"], loaded.NodeIds);
            Assert.Equal(new JsonArray("4", 0).ToJsonString(), loaded["3"]!.Inputs["model"]!.ToJsonString());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_graph_built_from_object_info_checks_types_and_runs()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var client = Servers.Client(fixture.Server.BaseAddress, "workflow-built");
        var info = await client.GetObjectInfoAsync(ct);
        var workflow = new Workflow();
        var number = workflow.AddNode(info["PrimitiveInt"]).Set("value", 5);
        var progress = workflow.AddNode(info["CsTestProgress"], title: "Stepper").Link("steps", number.Output("INT"));
        var text = workflow.AddNode(info["PrimitiveString"]).Set("value", "hi");

        // Typed links: a STRING output cannot feed an INT input; literals are checked against the schema.
        Assert.Contains("takes INT", Assert.Throws<ArgumentException>(() => progress.Link("steps", text.Output(0))).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => progress.Set("steps", 1000));
        Assert.Throws<ArgumentException>(() => progress.Set("steps", "many"));
        Assert.Throws<ArgumentException>(() => progress.Link("nope", number.Output(0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => number.Output(3));

        workflow.RemoveNode(text.Id);
        Assert.Equal(["1", "2"], workflow.NodeIds);
        var result = await client.RunAsync(workflow, cancellationToken: ct);
        Assert.True(result.Succeeded);
        var history = result.History.Prompt!.Prompt;
        Assert.Equal("Stepper", (string?)history["2"]!["_meta"]!["title"]);
    }

    [Fact]
    public void Type_matching_follows_comfyui_unions_and_wildcards()
    {
        Assert.True(OutputRef.TypesMatch("IMAGE", "IMAGE"));
        Assert.True(OutputRef.TypesMatch("*", "IMAGE"));
        Assert.True(OutputRef.TypesMatch("INT", "FLOAT,INT"));
        Assert.False(OutputRef.TypesMatch("IMAGE", "MASK"));
    }
}
