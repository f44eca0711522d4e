using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing.Specific;

/// <summary>
/// specific_tests.py TestSamplingInExpansion: expands into a text-to-image graph (two CLIPTextEncode, EmptyLatentImage 512×512,
/// KSampler with euler_ancestral/normal, VAEDecode) around the given model, clip and vae. Those node classes come from the
/// diffusion pack; without it the expansion fails when it runs, as it would in ComfyUI without them.
/// </summary>
internal sealed class TestSamplingInExpansion : INode
{
    public static NodeSchema Schema { get; } = new("TestSamplingInExpansion", SpecificTests.Category)
    {
        DisplayName = "Sampling In Expansion",
        PythonModule = TestPack.Module,
        Inputs =
        [
            Input.Of("model", "MODEL"), Input.Of("clip", "CLIP"), Input.Of("vae", "VAE"),
            Input.Int("seed", 0, min: 0, max: ulong.MaxValue), Input.Int("steps", 20, min: 1, max: 100),
            Input.Float("cfg", 7.0, min: 0, max: 30),
            Input.String("prompt", "a beautiful landscape with mountains and trees", multiline: true),
            Input.String("negative_prompt", "blurry, bad quality, worst quality", multiline: true),
        ],
        Outputs = [Output.Image()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var g = context.CreateGraphBuilder();
        var clip = args["clip"];
        var positive = g.Node("CLIPTextEncode").Set("text", args["prompt"]).Set("clip", clip);
        var negative = g.Node("CLIPTextEncode").Set("text", args["negative_prompt"]).Set("clip", clip);
        var latent = g.Node("EmptyLatentImage").Set("width", 512L).Set("height", 512L).Set("batch_size", 1L);
        var sampler = g.Node("KSampler").Set("model", args["model"]).Set("positive", positive.Out(0)).Set("negative", negative.Out(0))
            .Set("latent_image", latent.Out(0)).Set("seed", args["seed"]).Set("steps", args["steps"]).Set("cfg", args["cfg"])
            .Set("sampler_name", "euler_ancestral").Set("scheduler", "normal");
        var output = g.Node("VAEDecode").Set("samples", sampler.Out(0)).Set("vae", args["vae"]);
        return ValueTask.FromResult(NodeOutput.Expand(g.Finalize(output.Out(0))));
    }
}
