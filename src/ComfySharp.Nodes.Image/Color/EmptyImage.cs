using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Image.Color;

/// <summary><c>EmptyImage</c>: a batch filled with one 0xRRGGBB colour.</summary>
internal sealed class EmptyImage : INode
{
    public static NodeSchema Schema { get; } = new("EmptyImage", "image")
    {
        DisplayName = "EmptyImage",
        Inputs =
        [
            Input.Int("width", 512, 1, Input.MaxResolution, 1), Input.Int("height", 512, 1, Input.MaxResolution, 1),
            Input.Int("batch_size", 1, 1, 4096),
            Input.Int("color", 0, 0, 0xFFFFFF, 1) with { Extra = new System.Text.Json.Nodes.JsonObject { ["display"] = "color" } },
        ],
        Outputs = [Output.Image()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var (width, height, batch, color) = ((int)args.Int("width"), (int)args.Int("height"), (int)args.Int("batch_size"), args.Int("color"));
        Span<float> rgb = [((color >> 16) & 0xFF) / 255f, ((color >> 8) & 0xFF) / 255f, (color & 0xFF) / 255f];
        var image = Tensor.Zeros(batch, height, width, 3);
        var data = image.MutableSpan;
        for (var i = 0; i < data.Length; i += 3) rgb.CopyTo(data.Slice(i, 3));
        return ValueTask.FromResult(NodeOutput.From(image));
    }
}
