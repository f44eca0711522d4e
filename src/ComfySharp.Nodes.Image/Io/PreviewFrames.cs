using ComfySharp.Engine.Nodes;
using ComfySharp.Nodes.Image.Codec;
using ComfySharp.Nodes.Image.Resampling;

namespace ComfySharp.Nodes.Image.Io;

/// <summary>
/// Preview images for the progress bar as ComfyUI's server encodes them (protocol.md §3.4): with a maximum size the RGB image is
/// scaled, up or down, to fit a max×max box keeping its aspect ratio (<c>ImageOps.contain</c> with Pillow's bilinear filter), then
/// saved as JPEG quality 95 or PNG compress level 1. Latent previews are JPEG with <c>--preview-size</c> (512) as the maximum.
/// </summary>
public static class PreviewFrames
{
    public const int DefaultMaxSize = 512;

    public static Engine.Nodes.PreviewImage Jpeg(byte[] rgb, int width, int height, int? maxSize = DefaultMaxSize)
    {
        var (pixels, w, h) = Fit(rgb, width, height, maxSize);
        return new Engine.Nodes.PreviewImage(PreviewFormat.Jpeg, ImageEncoder.Jpeg(pixels, w, h, 3, quality: 95));
    }

    public static Engine.Nodes.PreviewImage Png(byte[] rgb, int width, int height, int? maxSize = null)
    {
        var (pixels, w, h) = Fit(rgb, width, height, maxSize);
        return new Engine.Nodes.PreviewImage(PreviewFormat.Png, ImageEncoder.Png(pixels, w, h, 3, compressLevel: 1));
    }

    /// <summary><c>ImageOps.contain(image, (max, max))</c>'s target size: the long side becomes max, the other is rounded half to even.</summary>
    public static (int Width, int Height) ContainSize(int width, int height, int max)
    {
        if (width == height) return (max, max);
        return width > height
            ? (max, (int)Math.Round((double)height / width * max, MidpointRounding.ToEven))
            : ((int)Math.Round((double)width / height * max, MidpointRounding.ToEven), max);
    }

    private static (byte[] Pixels, int Width, int Height) Fit(byte[] rgb, int width, int height, int? maxSize)
    {
        if (width <= 0 || height <= 0 || rgb.Length != width * height * 3) throw new ArgumentException("Pixel buffer does not match the size.", nameof(rgb));
        if (maxSize is not { } max) return (rgb, width, height);
        if (max <= 0) throw new ArgumentOutOfRangeException(nameof(maxSize), maxSize, "must be positive");
        var (w, h) = ContainSize(width, height, max);
        (w, h) = (Math.Max(w, 1), Math.Max(h, 1));
        if ((w, h) == (width, height)) return (rgb, width, height);
        return (PillowResample.ResizeBytes(rgb, height, width, 3, h, w, PillowFilter.Bilinear), w, h);
    }
}
