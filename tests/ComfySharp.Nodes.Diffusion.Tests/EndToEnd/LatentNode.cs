using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;
using ComfySharp.Nodes.Diffusion.Latents;

namespace ComfySharp.Nodes.Diffusion.Tests.EndToEnd;

/// <summary>A test-only node making a non-zero 1×channels×8×8 latent (for latents that do not fit the model).</summary>
internal sealed class LatentNode : INode
{
    public static NodeSchema Schema { get; } = new("CsDiffusionLatent", "testing")
    {
        Inputs = [Input.Int("channels", 4, min: 1, max: 16)],
        Outputs = [Output.Of("LATENT")],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(new Latent(Tensor.Full(0.5f, 1, (int)args.Int("channels"), 8, 8))));
}
