using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Diffusion.Conditionings;

/// <summary><c>ConditioningZeroOut</c>: every entry's tensor replaced by zeros of the same shape, options kept.</summary>
internal sealed class ConditioningZeroOut : INode
{
    public static NodeSchema Schema { get; } = new("ConditioningZeroOut", "advanced/conditioning")
    {
        Inputs = [DiffusionTypes.In("conditioning", DiffusionTypes.Conditioning)],
        Outputs = [DiffusionTypes.Out(DiffusionTypes.Conditioning)],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        IReadOnlyList<ConditioningEntry> output = args.Get<IReadOnlyList<ConditioningEntry>>("conditioning")
            .Select(e => e with { Cond = Tensor.Zeros((int[])e.Cond.Shape.Clone()) })
            .ToArray();
        return ValueTask.FromResult(NodeOutput.From(output));
    }
}
