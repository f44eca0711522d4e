using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Image.Masks;

/// <summary><c>MaskComposite</c>: source combined into destination at (x, y) by an arithmetic or rounded boolean operation, clamped to 0..1.</summary>
internal sealed class MaskComposite : INode
{
    public static NodeSchema Schema { get; } = new("MaskComposite", "mask")
    {
        PythonModule = MaskNode.Module,
        Inputs =
        [
            Input.Of("destination", "MASK"), Input.Of("source", "MASK"), MaskNode.Position("x"), MaskNode.Position("y"),
            Input.Combo("operation", ["multiply", "add", "subtract", "and", "or", "xor"]),
        ],
        Outputs = [Output.Mask()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var destination = ImageTensors.AsMaskBatch(args.Get<Tensor>("destination"));
        var source = ImageTensors.AsMaskBatch(args.Get<Tensor>("source"));
        var (x, y) = ((int)args.Int("x"), (int)args.Int("y"));
        var operation = args.String("operation");
        var (db, dh, dw) = (destination.Shape[0], destination.Shape[1], destination.Shape[2]);
        var (sb, sh, sw) = (source.Shape[0], source.Shape[1], source.Shape[2]);
        // Python's output[:, top:bottom, left:right] op source[:, :vh, :vw] broadcasts a batch of 1 on either side.
        var batch = Tensor.BroadcastShapes([db], [sb])[0];
        destination = destination.BroadcastTo(batch, dh, dw);
        source = source.BroadcastTo(batch, sh, sw);
        var (right, bottom) = (Math.Min(x + sw, dw), Math.Min(y + sh, dh));
        var output = destination.Span.ToArray();
        var src = source.Span;
        for (var n = 0; n < batch; n++)
        {
            for (var row = y; row < bottom; row++)
            {
                for (var col = x; col < right; col++)
                {
                    var d = (n * dh + row) * dw + col;
                    var s = src[(n * sh + row - y) * sw + col - x];
                    output[d] = Apply(output[d], s, operation);
                }
            }
        }
        for (var i = 0; i < output.Length; i++) output[i] = Math.Clamp(output[i], 0f, 1f);
        return ValueTask.FromResult(NodeOutput.From(new Tensor([batch, dh, dw], output)));
    }

    private static float Apply(float d, float s, string operation) => operation switch
    {
        "multiply" => d * s,
        "add" => d + s,
        "subtract" => d - s,
        "and" => Bool(d) & Bool(s) ? 1f : 0f,
        "or" => Bool(d) | Bool(s) ? 1f : 0f,
        "xor" => Bool(d) ^ Bool(s) ? 1f : 0f,
        _ => throw new InvalidOperationException($"Unknown operation '{operation}'."),
    };

    /// <summary><c>x.round().bool()</c>: round half to even, then non-zero.</summary>
    private static bool Bool(float v) => MathF.Round(v, MidpointRounding.ToEven) != 0f;
}
