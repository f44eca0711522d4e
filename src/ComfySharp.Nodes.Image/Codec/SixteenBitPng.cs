using System.Buffers.Binary;

namespace ComfySharp.Nodes.Image.Codec;

/// <summary>
/// 16-bit PNGs reduced to 8 bits as ComfyUI sees them through Pillow. Skia would scale them (v / 257); Pillow instead keeps the
/// high byte of 16-bit RGB(A) and grey+alpha, and opens 16-bit grey as mode <c>I</c>, which ComfyUI's loaders scale by 1/255
/// and Pillow then clips to 0..255 when converting to RGB.
/// </summary>
internal static class SixteenBitPng
{
    public readonly record struct Header(int Width, int Height, byte BitDepth, byte ColorType);

    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static bool TryReadHeader(ReadOnlySpan<byte> png, out Header header)
    {
        header = default;
        // Signature, then the IHDR chunk: length (13), "IHDR", width, height, bit depth, colour type.
        if (png.Length < 33 || !png[..8].SequenceEqual(Signature) || !png.Slice(12, 4).SequenceEqual("IHDR"u8)) return false;
        header = new Header(BinaryPrimitives.ReadInt32BigEndian(png[16..]), BinaryPrimitives.ReadInt32BigEndian(png[20..]), png[24], png[25]);
        return true;
    }

    /// <summary>
    /// Decodes a non-interlaced 16-bit PNG itself: Skia only offers 16-bit PNGs scaled to 8 bits or as half floats, which lose the
    /// low bits the grey mapping needs. Interlaced files fall back to Skia's 8-bit result.
    /// </summary>
    public static DecodedFrame? TryDecode(ReadOnlySpan<byte> png, Header header)
    {
        var channels = header.ColorType switch { 0 => 1, 2 => 3, 4 => 2, 6 => 4, _ => 0 };
        if (channels == 0 || png[28] != 0) return null; // palette images are never 16-bit; byte 28 is the interlace method
        var (w, h) = (header.Width, header.Height);
        var stride = checked(w * channels * 2);
        var raw = Inflate(png, checked((stride + 1) * h));
        if (raw is null) throw new InvalidImageException("image data is broken: bad 16-bit PNG stream");
        Unfilter(raw, stride, h, channels * 2);

        var hasAlpha = header.ColorType is 4 or 6;
        var rgba = new byte[w * h * 4];
        for (var y = 0; y < h; y++)
        {
            var row = raw.AsSpan(y * (stride + 1) + 1, stride);
            for (var x = 0; x < w; x++)
            {
                var o = (y * w + x) * 4;
                var px = row.Slice(x * channels * 2, channels * 2);
                switch (channels)
                {
                    case 1:
                        // Mode I, point(v * (1/255)) then clipped by the conversion to RGB.
                        rgba[o] = rgba[o + 1] = rgba[o + 2] = (byte)Math.Min(255, (int)(BinaryPrimitives.ReadUInt16BigEndian(px[0..]) * (1.0 / 255)));
                        rgba[o + 3] = 255;
                        break;
                    case 2:
                        rgba[o] = rgba[o + 1] = rgba[o + 2] = (byte)(BinaryPrimitives.ReadUInt16BigEndian(px[0..]) >> 8);
                        rgba[o + 3] = (byte)(BinaryPrimitives.ReadUInt16BigEndian(px[2..]) >> 8);
                        break;
                    default:
                        rgba[o] = (byte)(BinaryPrimitives.ReadUInt16BigEndian(px[0..]) >> 8);
                        rgba[o + 1] = (byte)(BinaryPrimitives.ReadUInt16BigEndian(px[2..]) >> 8);
                        rgba[o + 2] = (byte)(BinaryPrimitives.ReadUInt16BigEndian(px[4..]) >> 8);
                        rgba[o + 3] = channels == 4 ? (byte)(BinaryPrimitives.ReadUInt16BigEndian(px[6..]) >> 8) : (byte)255;
                        break;
                }
            }
        }
        return new DecodedFrame(w, h, rgba, hasAlpha);
    }

    private static byte[]? Inflate(ReadOnlySpan<byte> png, int expected)
    {
        using var idat = new MemoryStream();
        var offset = 8;
        while (offset + 12 <= png.Length)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png[offset..]);
            if (length < 0 || offset + 12L + length > png.Length) break;
            var type = png.Slice(offset + 4, 4);
            if (type.SequenceEqual("IDAT"u8)) idat.Write(png.Slice(offset + 8, length));
            else if (type.SequenceEqual("IEND"u8)) break;
            offset += 12 + length;
        }
        idat.Position = 0;
        var raw = new byte[expected];
        try
        {
            using var z = new System.IO.Compression.ZLibStream(idat, System.IO.Compression.CompressionMode.Decompress);
            z.ReadExactly(raw);
            return raw;
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException)
        {
            return null;
        }
    }

    /// <summary>PNG's five row filters undone in place; each row starts with its filter byte.</summary>
    private static void Unfilter(byte[] raw, int stride, int height, int bpp)
    {
        for (var y = 0; y < height; y++)
        {
            var start = y * (stride + 1);
            var filter = raw[start];
            var row = raw.AsSpan(start + 1, stride);
            var prior = y == 0 ? Span<byte>.Empty : raw.AsSpan(start - stride, stride);
            for (var i = 0; i < stride; i++)
            {
                int a = i >= bpp ? row[i - bpp] : 0;
                int b = prior.IsEmpty ? 0 : prior[i];
                int c = i >= bpp && !prior.IsEmpty ? prior[i - bpp] : 0;
                row[i] = filter switch
                {
                    0 => row[i],
                    1 => (byte)(row[i] + a),
                    2 => (byte)(row[i] + b),
                    3 => (byte)(row[i] + ((a + b) >> 1)),
                    4 => (byte)(row[i] + Paeth(a, b, c)),
                    _ => throw new InvalidImageException("image data is broken: unknown PNG filter"),
                };
            }
        }
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        var (pa, pb, pc) = (Math.Abs(p - a), Math.Abs(p - b), Math.Abs(p - c));
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
