using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Image.Masks;

/// <summary>
/// <c>GrowMask</c>: |expand| rounds of grey dilation (expand &gt; 0) or erosion (&lt; 0) with a 3×3 cross (tapered corners) or
/// square footprint, as <c>scipy.ndimage.grey_dilation/grey_erosion</c> with their default <c>reflect</c> border, which for a
/// 3×3 footprint repeats the edge pixel.
/// </summary>
internal sealed class GrowMask : INode
{
    public static NodeSchema Schema { get; } = new("GrowMask", "mask")
    {
        PythonModule = MaskNode.Module,
        Inputs =
        [
            Input.Of("mask", "MASK"), Input.Int("expand", 0, -Input.MaxResolution, Input.MaxResolution, 1),
            Input.Boolean("tapered_corners", true),
        ],
        Outputs = [Output.Mask()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var mask = ImageTensors.AsMaskBatch(args.Get<Tensor>("mask"));
        var expand = (int)args.Int("expand");
        var tapered = args.Bool("tapered_corners");
        var (b, h, w) = (mask.Shape[0], mask.Shape[1], mask.Shape[2]);
        var current = mask.Span.ToArray();
        var next = new float[current.Length];
        for (var round = 0; round < Math.Abs(expand); round++)
        {
            ct.ThrowIfCancellationRequested();
            for (var n = 0; n < b; n++)
            {
                for (var y = 0; y < h; y++)
                {
                    for (var x = 0; x < w; x++)
                    {
                        var v = expand > 0 ? float.MinValue : float.MaxValue;
                        for (var dy = -1; dy <= 1; dy++)
                        {
                            for (var dx = -1; dx <= 1; dx++)
                            {
                                if (tapered && dx != 0 && dy != 0) continue;
                                var sy = Math.Clamp(y + dy, 0, h - 1);
                                var sx = Math.Clamp(x + dx, 0, w - 1);
                                var s = current[(n * h + sy) * w + sx];
                                v = expand > 0 ? Math.Max(v, s) : Math.Min(v, s);
                            }
                        }
                        next[(n * h + y) * w + x] = v;
                    }
                }
            }
            (current, next) = (next, current);
        }
        return ValueTask.FromResult(NodeOutput.From(new Tensor([b, h, w], current)));
    }
}
