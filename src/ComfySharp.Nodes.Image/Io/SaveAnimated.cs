using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;
using ComfySharp.Nodes.Image.Codec;
using ComfySharp.Nodes.Image.Files;

namespace ComfySharp.Nodes.Image.Io;

/// <summary>
/// <c>SaveAnimatedPNG</c> (comfy_extras/nodes_images.py): the whole batch as one APNG, each frame shown for <c>int(1000 / fps)</c> ms;
/// the prompt and <c>extra_pnginfo</c> go into <c>comf</c> chunks after the image data (keyword, NUL, JSON), where ComfyUI puts them.
/// </summary>
internal sealed class SaveAnimatedPNG(ImagePackOptions options) : INode
{
    public static NodeSchema Schema { get; } = new("SaveAnimatedPNG", "image/animation")
    {
        PythonModule = "comfy_extras.nodes_images",
        Inputs =
        [
            Input.Of("images", "IMAGE"), Input.String("filename_prefix", "ComfyUI"), Input.Float("fps", 6.0, 0.01m, 1000m, 0.01m),
            Input.Int("compress_level", 4, 0, 9), Hidden.Prompt(), Hidden.ExtraPngInfo(),
        ],
        OutputNode = true,
    };

    public async ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var images = args.Get<Tensor>("images");
        var compressLevel = (int)args.Int("compress_level");
        var chunks = new List<(string, byte[])>();
        if (!options.DisableMetadata)
        {
            foreach (var (key, json) in ImageSaver.Metadata(args)) chunks.Add(("comf", Encoding.Latin1.GetBytes(key + "\0" + json)));
        }
        // ComfyUI's UI entry says animated: [true] even for a single frame.
        return await AnimatedSaver.SaveAsync(images, args.String("filename_prefix"), args.Float("fps"), "png", animated: true, context,
            (frames, width, height, channels) => AnimatedPng.Encode(frames, width, height, channels, compressLevel, chunks), ct);
    }
}

/// <summary>
/// <c>SaveAnimatedWEBP</c> (comfy_extras/nodes_images.py): the whole batch as one animated WEBP, lossless or at the given quality,
/// each frame shown for <c>int(1000 / fps)</c> ms; the prompt goes into EXIF tag 0x0110 as <c>prompt:{json}</c> and each
/// <c>extra_pnginfo</c> entry into 0x010F, 0x010E, … as <c>key:{json}</c>, as ComfyUI writes them. <c>method</c> is ComfyUI's
/// speed/size trade-off (libwebp method 0, 4 or 6); Skia's encoder picks its own effort, so it changes nothing but is accepted.
/// </summary>
internal sealed class SaveAnimatedWEBP(ImagePackOptions options) : INode
{
    public static NodeSchema Schema { get; } = new("SaveAnimatedWEBP", "image/animation")
    {
        PythonModule = "comfy_extras.nodes_images",
        Inputs =
        [
            Input.Of("images", "IMAGE"), Input.String("filename_prefix", "ComfyUI"), Input.Float("fps", 6.0, 0.01m, 1000m, 0.01m),
            Input.Boolean("lossless", true), Input.Int("quality", 80, 0, 100), Input.Combo("method", ["default", "fastest", "slowest"]),
            Hidden.Prompt(), Hidden.ExtraPngInfo(),
        ],
        OutputNode = true,
    };

    public async ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var images = args.Get<Tensor>("images");
        var lossless = args.Bool("lossless");
        var quality = (int)args.Int("quality");
        var exif = options.DisableMetadata ? [] : Exif(args);
        // ComfyUI: animated = num_frames != 1, where num_frames is the batch size.
        return await AnimatedSaver.SaveAsync(images, args.String("filename_prefix"), args.Float("fps"), "webp",
            animated: ImageTensors.ImageShape(images).Batch != 1, context,
            (frames, width, height, channels) => AnimatedWebp.Encode(frames, width, height, channels, lossless, quality, exif), ct);
    }

    private static byte[] Exif(NodeArgs args)
    {
        var entries = new Dictionary<ushort, string>();
        if (ImageSaver.PromptJson(args) is { } prompt) entries[0x0110] = "prompt:" + prompt;
        ushort tag = 0x010F;
        foreach (var (key, json) in ImageSaver.ExtraJson(args)) entries[tag--] = key + ":" + json;
        return ExifAscii.Build(entries);
    }
}

/// <summary>What both animated savers share: the path and counter of SaveImage, frames as 8-bit pixels, one file, the UI entry.</summary>
internal static class AnimatedSaver
{
    public delegate byte[] Encoder(IReadOnlyList<AnimatedPng.Frame> frames, int width, int height, int channels);

    public static async ValueTask<NodeOutput> SaveAsync(Tensor images, string prefix, double fps, string extension, bool animated,
        NodeContext context, Encoder encode, CancellationToken ct)
    {
        var (batch, height, width, _) = ImageTensors.ImageShape(images);
        if (batch == 0) throw new InvalidOperationException("There are no images to save.");
        if (!(fps > 0)) throw new InvalidOperationException($"fps must be positive, got {fps.ToString(CultureInfo.InvariantCulture)}.");
        var duration = (int)Math.Min(1000.0 / fps, int.MaxValue);
        var frames = new List<AnimatedPng.Frame>(batch);
        var channels = 3;
        for (var i = 0; i < batch; i++)
        {
            ct.ThrowIfCancellationRequested();
            var (pixels, c) = ImageTensors.ToEncodable(images, i);
            channels = c;
            frames.Add(new AnimatedPng.Frame(pixels, duration));
        }
        var path = SaveImagePath.Compute(prefix, context.Folders.Output, width, height, DateTime.Now);
        var bytes = encode(frames, width, height, channels);
        var file = string.Create(CultureInfo.InvariantCulture, $"{path.FileName}_{path.Counter:D5}_.{extension}");
        await File.WriteAllBytesAsync(Path.Combine(path.FullFolder, file), bytes, ct);
        return NodeOutput.WithUi(new JsonObject
        {
            ["images"] = new JsonArray(new JsonObject { ["filename"] = file, ["subfolder"] = path.Subfolder, ["type"] = "output" }),
            ["animated"] = new JsonArray(animated),
        });
    }
}
