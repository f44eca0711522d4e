using System.Security.Cryptography;
using ComfySharp.Engine.Graph;
using ComfySharp.Engine.Nodes;
using ComfySharp.Nodes.Image.Files;

namespace ComfySharp.Nodes.Image.Io;

/// <summary>LoadImage's and LoadImageMask's hooks: the file must exist (VALIDATE_INPUTS) and its sha256 is the fingerprint (IS_CHANGED).</summary>
internal static class InputFileHooks
{
    public static Func<NodeArgs, object?> Fingerprint(EngineFolders folders) => args =>
    {
        if (!args.Has("image") || args["image"] is not string value) return null;
        var path = ImageFolders.ResolveWidgetValue(folders, value);
        if (path is null || !File.Exists(path)) return null;
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    };

    public static Func<NodeArgs, IReadOnlyDictionary<string, string>?, CancellationToken, ValueTask<ValidationResult>> Validate(EngineFolders folders) =>
        (args, _, _) =>
        {
            if (!args.Has("image")) return ValueTask.FromResult(ValidationResult.Ok);
            var value = args["image"] as string ?? "";
            var path = ImageFolders.ResolveWidgetValue(folders, value);
            return ValueTask.FromResult(path is not null && File.Exists(path)
                ? ValidationResult.Ok
                : ValidationResult.Fail($"Invalid image file: {value}"));
        };

    /// <summary>The bytes of the file a widget value names; the validator already refused names outside the folders.</summary>
    public static async Task<byte[]> ReadAsync(EngineFolders folders, string value, CancellationToken ct)
    {
        var path = ImageFolders.ResolveWidgetValue(folders, value) ?? throw new InvalidOperationException($"Invalid image file: {value}");
        return await File.ReadAllBytesAsync(path, ct);
    }
}
