using ComfySharp.Engine.Nodes;
using ComfySharp.Nodes.Diffusion.Models;

namespace ComfySharp.Nodes.Diffusion.Conditionings;

/// <summary><c>CLIPTextEncode</c>: ComfyUI's weighted, chunked prompt encoding (see ClipTextEncoder) → one conditioning entry.</summary>
internal sealed class CLIPTextEncode : INode
{
    public static NodeSchema Schema { get; } = new("CLIPTextEncode", "conditioning")
    {
        DisplayName = "CLIP Text Encode (Prompt)",
        Description = "Encodes a text prompt using a CLIP model into an embedding that can be used to guide the diffusion model towards generating specific images.",
        Inputs =
        [
            Input.String("text", multiline: true, dynamicPrompts: true, tooltip: "The text to be encoded."),
            DiffusionTypes.In("clip", DiffusionTypes.Clip, "The CLIP model used for encoding the text."),
        ],
        Outputs = [DiffusionTypes.Out(DiffusionTypes.Conditioning, "A conditioning containing the embedded text used to guide the diffusion model.")],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        if (!args.Has("clip") || args["clip"] is not SdClip clip)
        {
            // ComfyUI's message when the checkpoint had no text encoder.
            throw new InvalidOperationException(
                "ERROR: clip input is invalid: None\n\nIf the clip is from a checkpoint loader node your checkpoint does not contain a valid clip or text encoder model.");
        }
        var (cond, warnings) = clip.Encode(args.String("text"));
        foreach (var w in warnings) context.SendProgressText("warning: " + w);
        IReadOnlyList<ConditioningEntry> conditioning = [ConditioningEntry.Of(cond)];
        return ValueTask.FromResult(NodeOutput.From(conditioning));
    }
}
