using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Diffusion.Conditionings;

/// <summary><c>ConditioningCombine</c>: the two lists one after the other (the sampler uses every entry).</summary>
internal sealed class ConditioningCombine : INode
{
    public static NodeSchema Schema { get; } = new("ConditioningCombine", "conditioning")
    {
        DisplayName = "Conditioning (Combine)",
        Inputs = [DiffusionTypes.In("conditioning_1", DiffusionTypes.Conditioning), DiffusionTypes.In("conditioning_2", DiffusionTypes.Conditioning)],
        Outputs = [DiffusionTypes.Out(DiffusionTypes.Conditioning)],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        IReadOnlyList<ConditioningEntry> combined =
            [.. args.Get<IReadOnlyList<ConditioningEntry>>("conditioning_1"), .. args.Get<IReadOnlyList<ConditioningEntry>>("conditioning_2")];
        return ValueTask.FromResult(NodeOutput.From(combined));
    }
}
