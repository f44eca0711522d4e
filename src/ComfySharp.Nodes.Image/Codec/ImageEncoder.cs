using SkiaSharp;

namespace ComfySharp.Nodes.Image.Codec;

/// <summary>Encodes straight 8-bit RGB or RGBA pixels: PNG (zlib level 0–9) and WEBP (quality 0–100) with Skia, JPEG (quality 1–100) with <see cref="JpegEncoder"/>.</summary>
public static class ImageEncoder
{
    /// <summary>PNG bytes; 3 channels give an RGB PNG, 4 an RGBA one.</summary>
    public static byte[] Png(ReadOnlySpan<byte> pixels, int width, int height, int channels, int compressLevel = 6) =>
        Encode(pixels, width, height, channels, pixmap => pixmap.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.AllFilters, compressLevel)));

    /// <summary>JPEG bytes (4:2:0, libjpeg's tables for <paramref name="quality"/>); a fourth channel is ignored.</summary>
    public static byte[] Jpeg(ReadOnlySpan<byte> pixels, int width, int height, int channels, int quality) =>
        JpegEncoder.Encode(pixels, width, height, channels, quality);

    public static byte[] Webp(ReadOnlySpan<byte> pixels, int width, int height, int channels, int quality, bool lossless = false) =>
        Encode(pixels, width, height, channels, pixmap => pixmap.Encode(
            new SKWebpEncoderOptions(lossless ? SKWebpEncoderCompression.Lossless : SKWebpEncoderCompression.Lossy, Math.Clamp(quality, 0, 100))));

    private static byte[] Encode(ReadOnlySpan<byte> pixels, int width, int height, int channels, Func<SKPixmap, SKData?> encode)
    {
        if (channels is not (3 or 4)) throw new ArgumentOutOfRangeException(nameof(channels), channels, "3 or 4 channels");
        if (pixels.Length != width * height * channels) throw new ArgumentException("Pixel buffer does not match the size.", nameof(pixels));
        var rgba = channels == 4 ? pixels.ToArray() : Pixels.RgbToRgba(pixels);
        // Opaque pixels make Skia write an RGB PNG, like Pillow saving an RGB image.
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, channels == 4 ? SKAlphaType.Unpremul : SKAlphaType.Opaque);
        var handle = System.Runtime.InteropServices.GCHandle.Alloc(rgba, System.Runtime.InteropServices.GCHandleType.Pinned);
        try
        {
            using var pixmap = new SKPixmap(info, handle.AddrOfPinnedObject(), info.RowBytes);
            using var data = encode(pixmap) ?? throw new InvalidOperationException("The image could not be encoded.");
            return data.ToArray();
        }
        finally
        {
            handle.Free();
        }
    }
}
