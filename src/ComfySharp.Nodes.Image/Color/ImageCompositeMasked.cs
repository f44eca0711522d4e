using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;
using ComfySharp.Nodes.Image.Resampling;

namespace ComfySharp.Nodes.Image.Color;

/// <summary>
/// <c>ImageCompositeMasked</c> (<c>nodes_mask.composite</c> with multiplier 1): source pasted onto destination at (x, y), blended
/// by the mask resized bilinearly to the source; optionally the source resized to the destination first.
/// </summary>
internal sealed class ImageCompositeMasked : INode
{
    public static NodeSchema Schema { get; } = new("ImageCompositeMasked", "image")
    {
        PythonModule = "comfy_extras.nodes_mask",
        Inputs =
        [
            Input.Of("destination", "IMAGE"), Input.Of("source", "IMAGE"),
            Input.Int("x", 0, 0, Input.MaxResolution, 1), Input.Int("y", 0, 0, Input.MaxResolution, 1),
            Input.Boolean("resize_source", false), Input.Of("mask", "MASK", InputSection.Optional),
        ],
        Outputs = [Output.Image()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var (destination, source) = AlphaFix.Apply(args.Get<Tensor>("destination"), args.Get<Tensor>("source"));
        var mask = args.GetOrDefault<Tensor?>("mask", null);
        var result = Composite(destination, source, (int)args.Int("x"), (int)args.Int("y"), mask, args.Bool("resize_source"));
        return ValueTask.FromResult(NodeOutput.From(result));
    }

    internal static Tensor Composite(Tensor destination, Tensor source, int x, int y, Tensor? mask, bool resizeSource)
    {
        var (db, dh, dw, c) = ImageTensors.ImageShape(destination);
        if (resizeSource) source = Resize.Image(source, dw, dh, "bilinear", "disabled");
        source = Regions.RepeatToBatch(source, db);
        var (_, sh, sw, _) = ImageTensors.ImageShape(source);
        x = Math.Max(-sw, Math.Min(x, dw));
        y = Math.Max(-sh, Math.Min(y, dh));
        float[]? m = null;
        if (mask is not null)
        {
            var resized = Resize.Mask(mask, sw, sh, "bilinear");
            m = Regions.RepeatToBatch(resized, db).Span.ToArray();
        }
        var visibleW = dw - x + Math.Min(0, x);
        var visibleH = dh - y + Math.Min(0, y);
        var output = destination.Span.ToArray();
        var src = source.Span;
        // The pasted block is source[:visibleH, :visibleW] placed at (x, y); Python's negative-start slices fold it to the edge.
        for (var n = 0; n < db; n++)
        {
            for (var row = 0; row < Math.Min(visibleH, sh); row++)
            {
                var ty = y + row;
                if (ty < 0 || ty >= dh) continue;
                for (var col = 0; col < Math.Min(visibleW, sw); col++)
                {
                    var tx = x + col;
                    if (tx < 0 || tx >= dw) continue;
                    var alpha = m is null ? 1f : m[(n * sh + row) * sw + col];
                    for (var ch = 0; ch < c; ch++)
                    {
                        var d = ((n * dh + ty) * dw + tx) * c + ch;
                        output[d] = alpha * src[((n * sh + row) * sw + col) * c + ch] + (1f - alpha) * output[d];
                    }
                }
            }
        }
        return new Tensor((int[])destination.Shape.Clone(), output);
    }
}
