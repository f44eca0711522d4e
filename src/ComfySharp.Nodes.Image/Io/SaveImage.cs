using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Image.Io;

/// <summary><c>SaveImage</c>: PNGs in the output folder (compress level 4), passing the images on (v0.26, protocol.md §7.3).</summary>
internal sealed class SaveImage(ImagePackOptions options) : INode
{
    public static NodeSchema Schema { get; } = new("SaveImage", "image")
    {
        DisplayName = "Save Image",
        Description = "Saves the input images to your ComfyUI output directory.",
        Inputs =
        [
            Input.Of("images", "IMAGE", tooltip: "The images to save."),
            Input.String("filename_prefix", "ComfyUI", tooltip: "The prefix for the file to save. This may include formatting information such as %date:yyyy-MM-dd% or %Empty Latent Image.width% to include values from nodes."),
            Hidden.Prompt(), Hidden.ExtraPngInfo(),
        ],
        Outputs = [Output.Image("images")],
        OutputNode = true,
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ImageSaver.SaveAsync(args.Get<Engine.Tensors.Tensor>("images"), args.String("filename_prefix"), context.Folders.Output, "output",
            compressLevel: 4, args, options.DisableMetadata, ct);
}
