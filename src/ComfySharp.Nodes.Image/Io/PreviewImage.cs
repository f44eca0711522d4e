using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Image.Io;

/// <summary><c>PreviewImage</c>: PNGs in the temp folder (compress level 1) named <c>ComfyUI_temp_&lt;5 random letters&gt;</c>.</summary>
internal sealed class PreviewImage(ImagePackOptions options) : INode
{
    // ComfyUI's alphabet, as written there: 'p' twice and no 'w'.
    private const string Alphabet = "abcdefghijklmnopqrstupvxyz";

    public static NodeSchema Schema { get; } = new("PreviewImage", "image")
    {
        DisplayName = "Preview Image",
        Description = "Saves the input images to your ComfyUI output directory.",
        Inputs = [Input.Of("images", "IMAGE"), Hidden.Prompt(), Hidden.ExtraPngInfo()],
        Outputs = [Output.Image("images")],
        OutputNode = true,
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        Span<char> suffix = stackalloc char[5];
        for (var i = 0; i < suffix.Length; i++) suffix[i] = Alphabet[Random.Shared.Next(Alphabet.Length)];
        return ImageSaver.SaveAsync(args.Get<Engine.Tensors.Tensor>("images"), "ComfyUI_temp_" + new string(suffix), context.Folders.Temp, "temp",
            compressLevel: 1, args, options.DisableMetadata, ct);
    }
}
