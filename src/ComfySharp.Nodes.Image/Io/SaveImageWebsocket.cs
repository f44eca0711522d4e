using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;
using ComfySharp.Nodes.Image.Codec;

namespace ComfySharp.Nodes.Image.Io;

/// <summary>
/// <c>SaveImageWebsocket</c> (ComfyUI's <c>custom_nodes/websocket_image_save.py</c>): each image goes out as a full-size PNG
/// preview through the progress bar, so legacy clients get type-1 frames (8-byte header, then the PNG) and clients with
/// <c>supports_preview_metadata</c> type-4 frames. Nothing is written to disk; re-runs every time (IS_CHANGED = time).
/// </summary>
internal sealed class SaveImageWebsocket : INode, IFingerprintInputs
{
    public static NodeSchema Schema { get; } = new("SaveImageWebsocket", "api/image")
    {
        Inputs = [Input.Of("images", "IMAGE")],
        OutputNode = true,
        PythonModule = "custom_nodes.websocket_image_save",
    };

    public static object? Fingerprint(NodeArgs constants) => double.NaN;

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var images = args.Get<Tensor>("images");
        var (batch, height, width, _) = ImageTensors.ImageShape(images);
        for (var i = 0; i < batch; i++)
        {
            ct.ThrowIfCancellationRequested();
            var (pixels, channels) = ImageTensors.ToEncodable(images, i);
            // ComfyUI encodes previews with PNG compress level 1.
            var png = ImageEncoder.Png(pixels, width, height, channels, compressLevel: 1);
            context.ReportProgress(i, batch, new Engine.Nodes.PreviewImage(PreviewFormat.Png, png));
        }
        return ValueTask.FromResult(NodeOutput.Empty);
    }
}
