using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;
using ComfySharp.Nodes.Image.Codec;
using ComfySharp.Nodes.Image.Files;

namespace ComfySharp.Nodes.Image.Io;

/// <summary>
/// <c>LoadImage</c>: every frame of the same size as the first, EXIF-rotated, as an IMAGE batch; MASK = 1 − alpha, or a 64×64 zero
/// mask when the file has no alpha. MPO files give their first frame only, as in ComfyUI.
/// </summary>
internal sealed class LoadImage : INode
{
    public static NodeSchema Schema { get; } = SchemaFor(null);

    public static NodeSchema SchemaFor(string? inputFolder) => new("LoadImage", "image")
    {
        DisplayName = "Load Image",
        Inputs = [ImageCombo(inputFolder, imagesOnly: true)],
        Outputs = [Output.Image(), Output.Mask()],
        ValidatedInputs = ["image"],
    };

    internal static InputSpec ImageCombo(string? inputFolder, bool imagesOnly) => new("image", "COMBO")
    {
        Choices = inputFolder is null ? [] : new InputImageList(inputFolder, imagesOnly),
        Extra = new System.Text.Json.Nodes.JsonObject { ["image_upload"] = true },
    };

    public async ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var bytes = await InputFileHooks.ReadAsync(context.Folders, args.String("image"), ct);
        var decoded = ImageDecoder.Decode(bytes);
        var (image, mask) = ToTensors(decoded);
        return NodeOutput.From(image, mask);
    }

    internal static (Tensor Image, Tensor Mask) ToTensors(DecodedImage decoded)
    {
        var images = new List<Tensor>();
        var masks = new List<Tensor>();
        var first = decoded.First;
        foreach (var frame in decoded.Frames)
        {
            if (frame.Width != first.Width || frame.Height != first.Height) continue;
            images.Add(ImageTensors.RgbOf(frame));
            if (frame.HasAlpha)
            {
                var alpha = ImageTensors.ChannelOf(frame, 3);
                var mask = new Tensor([1, frame.Height, frame.Width], alpha);
                masks.Add(mask.OneMinus());
            }
            else
            {
                masks.Add(Tensor.Zeros(1, 64, 64));
            }
            if (decoded.Format == "MPO") break;
        }
        if (images.Count == 1) return (images[0], masks[0]);
        // torch.cat of masks of different sizes fails in ComfyUI too; frames of one file share their alpha-ness.
        return (Tensor.ConcatBatch(images), Tensor.ConcatBatch(masks));
    }
}
