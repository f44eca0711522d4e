using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Image.Masks;

/// <summary><c>ThresholdMask</c>: 1 where the mask is above the value, else 0.</summary>
internal sealed class ThresholdMask : INode
{
    public static NodeSchema Schema { get; } = new("ThresholdMask", "mask")
    {
        PythonModule = MaskNode.Module,
        Inputs = [Input.Of("mask", "MASK"), Input.Float("value", 0.5, 0m, 1m, 0.01m)],
        Outputs = [Output.Mask()],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var mask = args.Get<Tensor>("mask");
        var value = (float)args.Float("value");
        var src = mask.Span;
        var result = new float[src.Length];
        for (var i = 0; i < result.Length; i++) result[i] = src[i] > value ? 1f : 0f;
        return ValueTask.FromResult(NodeOutput.From(new Tensor((int[])mask.Shape.Clone(), result)));
    }
}
