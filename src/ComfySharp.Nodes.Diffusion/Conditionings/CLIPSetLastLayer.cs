using ComfySharp.Engine.Nodes;
using ComfySharp.Nodes.Diffusion.Models;

namespace ComfySharp.Nodes.Diffusion.Conditionings;

/// <summary><c>CLIPSetLastLayer</c>: a CLIP that stops at an earlier layer (−2 is the usual "clip skip 2").</summary>
internal sealed class CLIPSetLastLayer : INode
{
    public static NodeSchema Schema { get; } = new("CLIPSetLastLayer", "conditioning")
    {
        DisplayName = "CLIP Set Last Layer",
        Inputs = [DiffusionTypes.In("clip", DiffusionTypes.Clip), Input.Int("stop_at_clip_layer", -1, min: -24, max: -1, step: 1)],
        Outputs = [DiffusionTypes.Out(DiffusionTypes.Clip)],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var clip = args.Get<SdClip>("clip");
        var layer = (int)args.Int("stop_at_clip_layer");
        var layers = clip.Cache.WithCheckpoint(clip.Path, c => c.Clip.Config.Layers);
        // ComfyUI (sd1_clip set_clip_options): a layer deeper than the model has means the last layer.
        if (-layer > layers) layer = -1;
        return ValueTask.FromResult(NodeOutput.From(clip with { StopAtLayer = layer }));
    }
}
