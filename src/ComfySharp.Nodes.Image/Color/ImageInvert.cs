using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Image.Color;

/// <summary><c>ImageInvert</c>: <c>1 − image</c>.</summary>
internal sealed class ImageInvert : INode
{
    public static NodeSchema Schema { get; } = new("ImageInvert", "image")
    {
        DisplayName = "Invert Image",
        Inputs = [Input.Of("image", "IMAGE")],
        Outputs = [Output.Image()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(args.Get<Tensor>("image").OneMinus()));
}
