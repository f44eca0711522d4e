using System.Text.Json.Nodes;
using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;
using ComfySharp.Nodes.Core.Preview;
using ComfySharp.Nodes.Image.Codec;
using ComfySharp.Nodes.Image.Files;

namespace ComfySharp.Nodes.Image.Io;

/// <summary>What SaveImage and PreviewImage share: PNG files named by <see cref="SaveImagePath"/>, with the prompt and
/// <c>extra_pnginfo</c> as <c>json.dumps</c> text chunks unless metadata is disabled; the UI lists the files.</summary>
internal static class ImageSaver
{
    public static async ValueTask<NodeOutput> SaveAsync(Tensor images, string prefix, string folder, string type, int compressLevel,
        NodeArgs args, bool disableMetadata, CancellationToken ct)
    {
        var (batch, height, width, _) = ImageTensors.ImageShape(images);
        var path = SaveImagePath.Compute(prefix, folder, width, height, DateTime.Now);
        var texts = disableMetadata ? [] : Metadata(args);
        var results = new JsonArray();
        var counter = path.Counter;
        for (var i = 0; i < batch; i++)
        {
            ct.ThrowIfCancellationRequested();
            var (pixels, channels) = ImageTensors.ToEncodable(images, i);
            var png = PngText.Insert(ImageEncoder.Png(pixels, width, height, channels, compressLevel), texts);
            var file = path.FileFor(i, counter);
            await File.WriteAllBytesAsync(Path.Combine(path.FullFolder, file), png, ct);
            results.Add(new JsonObject { ["filename"] = file, ["subfolder"] = path.Subfolder, ["type"] = type });
            counter++;
        }
        return NodeOutput.WithUi(new JsonObject { ["images"] = results }, images);
    }

    /// <summary>The <c>prompt</c> and each <c>extra_pnginfo</c> entry as <c>json.dumps</c> text, in that order.</summary>
    internal static List<KeyValuePair<string, string>> Metadata(NodeArgs args)
    {
        var texts = new List<KeyValuePair<string, string>>();
        if (PromptJson(args) is { } prompt) texts.Add(new("prompt", prompt));
        texts.AddRange(ExtraJson(args));
        return texts;
    }

    /// <summary>The hidden <c>prompt</c> as <c>json.dumps</c> text, or null without one.</summary>
    internal static string? PromptJson(NodeArgs args) =>
        args.GetValueOrDefault("prompt") is JsonNode prompt && PyJson.TryDumps(prompt, out var json) ? json : null;

    /// <summary>Each <c>extra_pnginfo</c> entry (the frontend's <c>workflow</c>, …) as <c>json.dumps</c> text.</summary>
    internal static List<KeyValuePair<string, string>> ExtraJson(NodeArgs args)
    {
        var texts = new List<KeyValuePair<string, string>>();
        if (args.GetValueOrDefault("extra_pnginfo") is JsonObject extra)
        {
            foreach (var (key, value) in extra)
            {
                if (PyJson.TryDumps(value, out var json)) texts.Add(new(key, json));
            }
        }
        return texts;
    }
}
