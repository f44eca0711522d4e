using System.Buffers.Binary;

namespace ComfySharp.Nodes.Image.Codec;

/// <summary>
/// The frames of an animated PNG as Pillow's reader composes them, which is what ComfyUI's <c>LoadImage</c> iterates (Skia shows only
/// the default image). A default image (image data before any <c>fcTL</c>) is frame 0. Each frame's data is decoded as a PNG of its
/// own and drawn at its offset over the canvas left by the previous frame and its disposal: <c>OP_SOURCE</c> replaces the region,
/// <c>OP_OVER</c> mixes every channel, alpha included, by the frame's alpha with Pillow's <c>paste</c> rounding (not Porter–Duff),
/// except on the first frame. Disposal <c>OP_BACKGROUND</c> clears the region to zero (palette entry 0 for palette images) and
/// <c>OP_PREVIOUS</c> restores it, on the first frame meaning background.
/// </summary>
internal static class AnimatedPngReader
{
    private const byte DisposeBackground = 1;
    private const byte DisposePrevious = 2;
    private const byte BlendOver = 1;

    /// <summary>False when the PNG has no valid <c>acTL</c> before its image data: it is read as a still image.</summary>
    public static bool TryRead(byte[] png, out List<DecodedFrame> frames)
    {
        frames = [];
        var chunks = PngChunks.Read(png);
        if (chunks.Count == 0 || chunks[0].Type != "IHDR" || chunks[0].Data.Length < 13) return false;
        var ihdr = chunks[0].Data;
        var (width, height) = (BinaryPrimitives.ReadInt32BigEndian(ihdr), BinaryPrimitives.ReadInt32BigEndian(ihdr.AsSpan(4)));
        var firstData = chunks.FindIndex(c => c.Type == "IDAT");
        if (firstData < 0) return false;
        var actl = chunks.FindIndex(0, firstData, c => c.Type == "acTL");
        if (actl < 0 || chunks[actl].Data.Length < 8 || BinaryPrimitives.ReadUInt32BigEndian(chunks[actl].Data) is 0 or > 0x80000000) return false;

        // Chunks every frame needs to decode alone: the palette, its transparency, colour information.
        var shared = chunks.Take(firstData).Skip(1).Where(c => c.Type is not ("acTL" or "fcTL" or "eXIf" or "tEXt" or "zTXt" or "iTXt")).ToList();
        var background = Background(ihdr[9], shared);

        var canvas = new byte[checked(width * height * 4)];
        byte[]? previous = null;
        (Control Extent, byte[] Pixels)? dispose = null;
        var hasAlpha = false;
        foreach (var (control, data) in FrameData(chunks, width, height))
        {
            if (frames.Count > 0)
            {
                if (dispose is { } d) Paste(d.Pixels, d.Extent, canvas, width);
                previous = (byte[])canvas.Clone();
            }
            var frame = ImageDecoder.Decode(FramePng(ihdr, control, shared, data)).First;
            if (frame.Width != control.Width || frame.Height != control.Height) throw new InvalidImageException("APNG frame data does not match its fcTL size");
            if (frames.Count == 0) hasAlpha = frame.HasAlpha;
            Paste(frame.Rgba, control, canvas, width);
            if (previous is not null && control.Blend == BlendOver) BlendOverPrevious(frame.Rgba, control, previous, canvas, width);
            frames.Add(new DecodedFrame(width, height, (byte[])canvas.Clone(), hasAlpha));

            var disposal = control.Dispose;
            if (previous is null && disposal == DisposePrevious) disposal = DisposeBackground;
            dispose = disposal switch
            {
                DisposePrevious => (control, Crop(previous!, control, width)),
                DisposeBackground => (control, Fill(background, control)),
                _ => null,
            };
        }
        return frames.Count > 0;
    }

    /// <summary>A frame's placement and operations (<c>fcTL</c>); the default image covers the canvas with no operations.</summary>
    private readonly record struct Control(int X, int Y, int Width, int Height, byte Dispose, byte Blend);

    private static IEnumerable<(Control Control, List<byte[]> Data)> FrameData(List<(string Type, byte[] Data)> chunks, int width, int height)
    {
        Control? control = null;
        List<byte[]>? data = null;
        foreach (var (type, bytes) in chunks)
        {
            switch (type)
            {
                case "fcTL":
                    if (data is { Count: > 0 }) yield return (control ?? new Control(0, 0, width, height, 0, 0), data);
                    if (bytes.Length < 26) throw new InvalidImageException("APNG contains truncated fcTL chunk");
                    var next = new Control(BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(12)), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)),
                        BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4)), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(8)), bytes[24], bytes[25]);
                    if (next.X < 0 || next.Y < 0 || next.Width <= 0 || next.Height <= 0 || (long)next.X + next.Width > width ||
                        (long)next.Y + next.Height > height)
                    {
                        throw new InvalidImageException("APNG contains invalid frames");
                    }
                    (control, data) = (next, []);
                    break;
                case "IDAT":
                    data ??= [];
                    data.Add(bytes);
                    break;
                case "fdAT" when data is not null && control is not null && bytes.Length >= 4:
                    data.Add(bytes[4..]);
                    break;
            }
        }
        // An fcTL with no image data after it ends the animation, as Pillow's "no more images".
        if (data is { Count: > 0 }) yield return (control ?? new Control(0, 0, width, height, 0, 0), data);
    }

    /// <summary>A still PNG of one frame: the file's header at the frame's size, the shared chunks, the frame's data as IDAT.</summary>
    private static byte[] FramePng(byte[] ihdr, Control control, List<(string Type, byte[] Data)> shared, List<byte[]> data)
    {
        using var output = new MemoryStream();
        output.Write(PngChunks.Signature);
        var header = (byte[])ihdr.Clone();
        BinaryPrimitives.WriteInt32BigEndian(header, control.Width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), control.Height);
        PngText.WriteChunk(output, "IHDR"u8, header);
        foreach (var (type, bytes) in shared) PngText.WriteChunk(output, System.Text.Encoding.ASCII.GetBytes(type), bytes);
        foreach (var bytes in data) PngText.WriteChunk(output, "IDAT"u8, bytes);
        PngText.WriteChunk(output, "IEND"u8, []);
        return output.ToArray();
    }

    /// <summary>Pillow's <c>Image.core.fill</c> in the file's mode: zero, which for a palette image is entry 0 with its alpha.</summary>
    private static byte[] Background(byte colourType, List<(string Type, byte[] Data)> shared)
    {
        if (colourType != 3) return [0, 0, 0, 0];
        var palette = shared.FirstOrDefault(c => c.Type == "PLTE").Data;
        var alphas = shared.FirstOrDefault(c => c.Type == "tRNS").Data;
        return palette is { Length: >= 3 } ? [palette[0], palette[1], palette[2], alphas is { Length: > 0 } ? alphas[0] : (byte)255] : [0, 0, 0, 255];
    }

    private static byte[] Fill(byte[] rgba, Control extent)
    {
        var pixels = new byte[extent.Width * extent.Height * 4];
        for (var i = 0; i < pixels.Length; i += 4) rgba.CopyTo(pixels, i);
        return pixels;
    }

    private static byte[] Crop(byte[] canvas, Control extent, int width)
    {
        var pixels = new byte[extent.Width * extent.Height * 4];
        for (var y = 0; y < extent.Height; y++)
        {
            canvas.AsSpan(((extent.Y + y) * width + extent.X) * 4, extent.Width * 4).CopyTo(pixels.AsSpan(y * extent.Width * 4));
        }
        return pixels;
    }

    private static void Paste(byte[] pixels, Control extent, byte[] canvas, int width)
    {
        for (var y = 0; y < extent.Height; y++)
        {
            pixels.AsSpan(y * extent.Width * 4, extent.Width * 4).CopyTo(canvas.AsSpan(((extent.Y + y) * width + extent.X) * 4));
        }
    }

    /// <summary><c>previous.paste(frame, extent, mask=frame)</c>: each channel <c>(under·(255 − a) + over·a) / 255</c>, rounded as Pillow's DIV255.</summary>
    private static void BlendOverPrevious(byte[] frame, Control extent, byte[] previous, byte[] canvas, int width)
    {
        for (var y = 0; y < extent.Height; y++)
        {
            for (var x = 0; x < extent.Width; x++)
            {
                var src = (y * extent.Width + x) * 4;
                var dst = ((extent.Y + y) * width + extent.X + x) * 4;
                int a = frame[src + 3];
                for (var c = 0; c < 4; c++)
                {
                    var t = previous[dst + c] * (255 - a) + frame[src + c] * a + 128;
                    canvas[dst + c] = (byte)(((t >> 8) + t) >> 8);
                }
            }
        }
    }
}
