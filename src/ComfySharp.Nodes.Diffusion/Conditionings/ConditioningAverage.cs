using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Diffusion.Conditionings;

/// <summary>
/// <c>ConditioningAverage</c> (no display name: ComfyUI's mapping key has a trailing space, so none applies): each entry of <c>conditioning_to</c> becomes <c>to · s + from · (1 − s)</c>, where <c>from</c> is the
/// first entry of <c>conditioning_from</c> cut or zero-padded to the same token count (ComfyUI uses only that first entry).
/// </summary>
internal sealed class ConditioningAverage : INode
{
    public static NodeSchema Schema { get; } = new("ConditioningAverage", "conditioning")
    {
        Inputs =
        [
            DiffusionTypes.In("conditioning_to", DiffusionTypes.Conditioning),
            DiffusionTypes.In("conditioning_from", DiffusionTypes.Conditioning),
            Input.Float("conditioning_to_strength", 1.0, min: 0, max: 1, step: 0.01m),
        ],
        Outputs = [DiffusionTypes.Out(DiffusionTypes.Conditioning)],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var to = args.Get<IReadOnlyList<ConditioningEntry>>("conditioning_to");
        var from = args.Get<IReadOnlyList<ConditioningEntry>>("conditioning_from");
        var strength = (float)args.Float("conditioning_to_strength");
        if (from.Count == 0) throw new InvalidOperationException("conditioning_from is empty.");
        if (from.Count > 1) context.SendProgressText("warning: ConditioningAverage conditioning_from contains more than 1 cond, only the first one will actually be applied to conditioning_to.");
        var source = from[0].Cond;

        var result = new List<ConditioningEntry>(to.Count);
        foreach (var entry in to)
        {
            var target = entry.Cond;
            if (target.Rank != 3 || source.Rank != 3 || target.Shape[2] != source.Shape[2])
            {
                throw new InvalidOperationException(
                    $"Cannot average conditionings of shapes [{string.Join(", ", target.Shape)}] and [{string.Join(", ", source.Shape)}].");
            }
            int tokens = target.Shape[1], width = target.Shape[2], fromTokens = Math.Min(tokens, source.Shape[1]);
            var data = new float[target.Length];
            var t = target.Span;
            var s = source.Span;
            for (var i = 0; i < tokens * width; i++)
            {
                var f = i < fromTokens * width ? s[i] : 0f;
                data[i] = t[i] * strength + f * (1 - strength);
            }
            result.Add(entry with { Cond = new Tensor((int[])target.Shape.Clone(), data) });
        }
        IReadOnlyList<ConditioningEntry> output = result;
        return ValueTask.FromResult(NodeOutput.From(output));
    }
}
