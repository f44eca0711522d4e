using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Diffusion.Conditionings;

/// <summary>
/// <c>ConditioningSetArea</c>: every entry gets <c>area</c> = (height/8, width/8, y/8, x/8), <c>strength</c> and
/// <c>set_area_to_bounds</c> = false (the sampler applies the conditioning to that region only).
/// </summary>
internal sealed class ConditioningSetArea : INode
{
    public static NodeSchema Schema { get; } = new("ConditioningSetArea", "conditioning")
    {
        DisplayName = "Conditioning (Set Area)",
        Inputs =
        [
            DiffusionTypes.In("conditioning", DiffusionTypes.Conditioning),
            Input.Int("width", 64, min: 64, max: Input.MaxResolution, step: 8),
            Input.Int("height", 64, min: 64, max: Input.MaxResolution, step: 8),
            Input.Int("x", 0, min: 0, max: Input.MaxResolution, step: 8),
            Input.Int("y", 0, min: 0, max: Input.MaxResolution, step: 8),
            Input.Float("strength", 1.0, min: 0, max: 10, step: 0.01m),
        ],
        Outputs = [DiffusionTypes.Out(DiffusionTypes.Conditioning)],
    };

    public const string AreaKey = "area";
    public const string StrengthKey = "strength";
    public const string SetAreaToBoundsKey = "set_area_to_bounds";

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var area = new ConditioningArea(args.Int("height") / 8, args.Int("width") / 8, args.Int("y") / 8, args.Int("x") / 8);
        var strength = args.Float("strength");
        IReadOnlyList<ConditioningEntry> output = args.Get<IReadOnlyList<ConditioningEntry>>("conditioning")
            .Select(e => e with { Options = e.Options.SetItem(AreaKey, area).SetItem(StrengthKey, strength).SetItem(SetAreaToBoundsKey, false) })
            .ToArray();
        return ValueTask.FromResult(NodeOutput.From(output));
    }
}
