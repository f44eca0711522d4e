using SkiaSharp;

namespace ComfySharp.Nodes.Image.Codec;

/// <summary>
/// Decodes PNG, JPEG, WEBP, GIF and BMP with Skia into straight 8-bit RGBA frames the way ComfyUI's Pillow-based loaders see them:
/// every frame of an animation composited (APNG by <see cref="AnimatedPngReader"/>), EXIF orientation applied (<c>ImageOps.exif_transpose</c>), no colour management,
/// and 16-bit PNGs reduced as Pillow does (see <see cref="SixteenBitPng"/>).
/// </summary>
public static class ImageDecoder
{
    /// <summary>Pillow's <c>DecompressionBombError</c> threshold (twice <c>MAX_IMAGE_PIXELS</c>): larger images are refused.</summary>
    public const long MaxPixels = 2 * 89_478_485L;

    /// <summary>Whether the bytes are an image Skia can decode, with its size; the pixels are not decoded.</summary>
    public static bool TryIdentify(byte[] bytes, out int width, out int height)
    {
        (width, height) = (0, 0);
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);
        if (codec is null || codec.Info.Width <= 0 || codec.Info.Height <= 0) return false;
        (width, height) = (codec.Info.Width, codec.Info.Height);
        return (long)width * height <= MaxPixels;
    }

    public static DecodedImage Decode(byte[] bytes)
    {
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data) ?? throw new InvalidImageException("cannot identify image file");
        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0) throw new InvalidImageException("image has no pixels");
        if ((long)info.Width * info.Height > MaxPixels)
        {
            throw new InvalidImageException($"Image size ({(long)info.Width * info.Height} pixels) exceeds limit of {MaxPixels} pixels");
        }
        var format = FormatName(codec.EncodedFormat);
        var hasAlpha = info.AlphaType != SKAlphaType.Opaque && !IsPngWithoutAlphaBand(codec.EncodedFormat, bytes);
        var origin = codec.EncodedOrigin;
        var frames = new List<DecodedFrame>();

        // Skia shows an APNG as its default image; ComfyUI iterates the composed frames.
        if (codec.EncodedFormat == SKEncodedImageFormat.Png && AnimatedPngReader.TryRead(bytes, out var animation))
        {
            return new DecodedImage(format, [.. animation.Select(f => Orient(f, origin))]);
        }

        if (codec.EncodedFormat == SKEncodedImageFormat.Png && SixteenBitPng.TryReadHeader(bytes, out var header) && header.BitDepth == 16 &&
            codec.FrameCount <= 1 && SixteenBitPng.TryDecode(bytes, header) is { } deep)
        {
            frames.Add(Orient(deep, origin));
            return new DecodedImage(format, frames);
        }

        var frameCount = Math.Max(1, codec.FrameCount);
        var target = new SKImageInfo(info.Width, info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        byte[]? previous = null;
        var frameInfos = codec.FrameInfo;
        for (var i = 0; i < frameCount; i++)
        {
            var pixels = new byte[target.BytesSize];
            var options = new SKCodecOptions(i);
            if (frameInfos.Length > i && frameInfos[i].RequiredFrame >= 0 && previous is not null)
            {
                // The codec draws this frame over the one it depends on: start from that frame's pixels.
                previous.CopyTo(pixels, 0);
                options = new SKCodecOptions(i, frameInfos[i].RequiredFrame);
            }
            var result = GetPixels(codec, target, pixels, options);
            if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
            {
                if (i == 0) throw new InvalidImageException($"image data is broken: {result}");
                break;
            }
            frames.Add(Orient(new DecodedFrame(info.Width, info.Height, pixels, hasAlpha), origin));
            previous = pixels;
        }
        return new DecodedImage(format, frames);
    }

    /// <summary>
    /// A grey or RGB PNG (colour type 0 or 2) has no alpha band in Pillow even with a <c>tRNS</c> colour, so ComfyUI's LoadImage gives
    /// it the 64×64 zero mask; Skia reports such a file as transparent. Its pixels keep the <c>tRNS</c> alpha, which Pillow's
    /// <c>convert("RGBA")</c> (LoadImageMask, <c>/view?channel=a</c>) honours too.
    /// </summary>
    private static bool IsPngWithoutAlphaBand(SKEncodedImageFormat format, byte[] bytes) =>
        format == SKEncodedImageFormat.Png && SixteenBitPng.TryReadHeader(bytes, out var header) && header.ColorType is 0 or 2;

    private static SKCodecResult GetPixels(SKCodec codec, SKImageInfo info, byte[] pixels, SKCodecOptions options)
    {
        var handle = System.Runtime.InteropServices.GCHandle.Alloc(pixels, System.Runtime.InteropServices.GCHandleType.Pinned);
        try
        {
            return codec.GetPixels(info, handle.AddrOfPinnedObject(), info.RowBytes, options);
        }
        finally
        {
            handle.Free();
        }
    }

    private static string FormatName(SKEncodedImageFormat format) => format switch
    {
        SKEncodedImageFormat.Jpeg => "JPEG",
        SKEncodedImageFormat.Png => "PNG",
        SKEncodedImageFormat.Webp => "WEBP",
        SKEncodedImageFormat.Gif => "GIF",
        SKEncodedImageFormat.Bmp => "BMP",
        SKEncodedImageFormat.Ico => "ICO",
        SKEncodedImageFormat.Wbmp => "WBMP",
        SKEncodedImageFormat.Heif => "HEIF",
        SKEncodedImageFormat.Avif => "AVIF",
        _ => format.ToString().ToUpperInvariant(),
    };

    /// <summary>EXIF orientation 1–8 applied to the pixels, as <c>ImageOps.exif_transpose</c>.</summary>
    internal static DecodedFrame Orient(DecodedFrame frame, SKEncodedOrigin origin)
    {
        if (origin is SKEncodedOrigin.TopLeft or 0) return frame;
        var (w, h) = (frame.Width, frame.Height);
        var swap = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var (ow, oh) = swap ? (h, w) : (w, h);
        var src = frame.Rgba;
        var dst = new byte[src.Length];
        for (var y = 0; y < oh; y++)
        {
            for (var x = 0; x < ow; x++)
            {
                // The source pixel shown at (x, y) of the upright image.
                var (sx, sy) = origin switch
                {
                    SKEncodedOrigin.TopRight => (w - 1 - x, y),          // 2: mirrored horizontally
                    SKEncodedOrigin.BottomRight => (w - 1 - x, h - 1 - y), // 3: rotated 180
                    SKEncodedOrigin.BottomLeft => (x, h - 1 - y),        // 4: mirrored vertically
                    SKEncodedOrigin.LeftTop => (y, x),                    // 5: transposed
                    SKEncodedOrigin.RightTop => (y, h - 1 - x),           // 6: rotated 90 clockwise to view
                    SKEncodedOrigin.RightBottom => (w - 1 - y, h - 1 - x), // 7: transversed
                    SKEncodedOrigin.LeftBottom => (w - 1 - y, x),         // 8: rotated 90 counter-clockwise to view
                    _ => (x, y),
                };
                src.AsSpan((sy * w + sx) * 4, 4).CopyTo(dst.AsSpan((y * ow + x) * 4, 4));
            }
        }
        return new DecodedFrame(ow, oh, dst, frame.HasAlpha);
    }
}
