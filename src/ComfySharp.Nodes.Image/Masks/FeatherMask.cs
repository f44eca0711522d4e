using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Image.Masks;

/// <summary>
/// <c>FeatherMask</c>: linear ramps on each side. ComfyUI indexes the right and bottom ramps with <c>-x</c>, so the first step
/// (x = 0) lands on column 0 rather than the last column; matched, since saved workflows depend on the exact output.
/// </summary>
internal sealed class FeatherMask : INode
{
    public static NodeSchema Schema { get; } = new("FeatherMask", "mask")
    {
        PythonModule = MaskNode.Module,
        Inputs =
        [
            Input.Of("mask", "MASK"), MaskNode.Position("left"), MaskNode.Position("top"), MaskNode.Position("right"), MaskNode.Position("bottom"),
        ],
        Outputs = [Output.Mask()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var mask = ImageTensors.AsMaskBatch(args.Get<Tensor>("mask"));
        var (b, h, w) = (mask.Shape[0], mask.Shape[1], mask.Shape[2]);
        var left = (int)Math.Min(args.Int("left"), w);
        var right = (int)Math.Min(args.Int("right"), w);
        var top = (int)Math.Min(args.Int("top"), h);
        var bottom = (int)Math.Min(args.Int("bottom"), h);
        var output = mask.Span.ToArray();
        // torch multiplies a float32 tensor by a Python float in float32: the rate is rounded first.
        void Column(int col, double rate)
        {
            var r = (float)rate;
            for (var n = 0; n < b; n++)
            {
                for (var row = 0; row < h; row++) output[(n * h + row) * w + col] *= r;
            }
        }
        void Row(int row, double rate)
        {
            var r = (float)rate;
            for (var n = 0; n < b; n++)
            {
                for (var col = 0; col < w; col++) output[(n * h + row) * w + col] *= r;
            }
        }
        for (var x = 0; x < left; x++) Column(x, (x + 1.0) / left);
        for (var x = 0; x < right; x++) Column(x == 0 ? 0 : w - x, (x + 1.0) / right);
        for (var y = 0; y < top; y++) Row(y, (y + 1.0) / top);
        for (var y = 0; y < bottom; y++) Row(y == 0 ? 0 : h - y, (y + 1.0) / bottom);
        return ValueTask.FromResult(NodeOutput.From(new Tensor([b, h, w], output)));
    }
}
