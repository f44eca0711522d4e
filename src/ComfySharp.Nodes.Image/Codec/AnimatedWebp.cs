using System.Buffers.Binary;

namespace ComfySharp.Nodes.Image.Codec;

/// <summary>
/// Animated WEBP in the extended format (RIFF <c>WEBP</c>: <c>VP8X</c>, <c>ANIM</c>, one <c>ANMF</c> per frame, then <c>EXIF</c>).
/// Every frame covers the whole canvas and replaces it (no blending, no disposal); its bitstream (<c>VP8</c> or <c>VP8L</c>, with
/// <c>ALPH</c> for lossy alpha) comes from <see cref="ImageEncoder.Webp"/>. Identical consecutive frames merge as libwebp's
/// animation encoder merges them; a single frame is a still image, as Pillow saves it.
/// </summary>
public static class AnimatedWebp
{
    private const byte FlagAnimation = 0x02;
    private const byte FlagExif = 0x08;
    private const byte FlagAlpha = 0x10;

    /// <param name="exif">A TIFF structure (<c>II*\0…</c>) for the <c>EXIF</c> chunk, or empty for none.</param>
    public static byte[] Encode(IReadOnlyList<AnimatedPng.Frame> frames, int width, int height, int channels, bool lossless, int quality,
        ReadOnlySpan<byte> exif)
    {
        var merged = AnimatedPng.MergeIdentical(frames);
        var animated = merged.Count > 1;
        var body = new MemoryStream();
        body.Write("WEBP"u8);
        var flags = (byte)((animated ? FlagAnimation : 0) | (exif.Length > 0 ? FlagExif : 0) | (channels == 4 ? FlagAlpha : 0));
        var vp8x = new byte[10];
        vp8x[0] = flags;
        WriteUInt24(vp8x.AsSpan(4), width - 1);
        WriteUInt24(vp8x.AsSpan(7), height - 1);
        WriteChunk(body, "VP8X"u8, vp8x);
        if (animated)
        {
            // Background colour 0,0,0,0 and loop count 0 (forever), Pillow's defaults.
            WriteChunk(body, "ANIM"u8, new byte[6]);
        }
        foreach (var frame in merged)
        {
            var bitstream = BitstreamChunks(ImageEncoder.Webp(frame.Pixels, width, height, channels, quality, lossless));
            if (!animated)
            {
                body.Write(bitstream);
                continue;
            }
            var header = new byte[16];
            // X and Y offsets 0 (stored halved), then width-1, height-1, duration, flags.
            WriteUInt24(header.AsSpan(6), width - 1);
            WriteUInt24(header.AsSpan(9), height - 1);
            WriteUInt24(header.AsSpan(12), Math.Clamp(frame.DurationMs, 0, 0xFFFFFF));
            header[15] = 0x02; // do not blend; no disposal
            WriteChunk(body, "ANMF"u8, [.. header, .. bitstream]);
        }
        if (exif.Length > 0) WriteChunk(body, "EXIF"u8, exif);

        var output = new byte[8 + body.Length];
        "RIFF"u8.CopyTo(output);
        BinaryPrimitives.WriteInt32LittleEndian(output.AsSpan(4), (int)body.Length);
        body.GetBuffer().AsSpan(0, (int)body.Length).CopyTo(output.AsSpan(8));
        return output;
    }

    /// <summary>The <c>ALPH</c>, <c>VP8 </c> and <c>VP8L</c> chunks of a still WEBP file, headers and padding included.</summary>
    internal static byte[] BitstreamChunks(ReadOnlySpan<byte> webp)
    {
        if (webp.Length < 12 || !webp[..4].SequenceEqual("RIFF"u8) || !webp.Slice(8, 4).SequenceEqual("WEBP"u8))
        {
            throw new InvalidImageException("not a WEBP stream");
        }
        using var output = new MemoryStream(webp.Length);
        var offset = 12;
        while (offset + 8 <= webp.Length)
        {
            var type = webp.Slice(offset, 4);
            var size = BinaryPrimitives.ReadInt32LittleEndian(webp[(offset + 4)..]);
            var padded = 8 + size + (size & 1);
            if (size < 0 || offset + 8L + size > webp.Length) throw new InvalidImageException("truncated WEBP chunk");
            if (type.SequenceEqual("ALPH"u8) || type.SequenceEqual("VP8 "u8) || type.SequenceEqual("VP8L"u8))
            {
                output.Write(webp.Slice(offset, Math.Min(padded, webp.Length - offset)));
                if (padded > webp.Length - offset) output.WriteByte(0);
            }
            offset += padded;
        }
        if (output.Length == 0) throw new InvalidImageException("WEBP stream without image data");
        return output.ToArray();
    }

    private static void WriteChunk(Stream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> size = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(size, data.Length);
        output.Write(type);
        output.Write(size);
        output.Write(data);
        if ((data.Length & 1) == 1) output.WriteByte(0);
    }

    private static void WriteUInt24(Span<byte> target, int value)
    {
        target[0] = (byte)value;
        target[1] = (byte)(value >> 8);
        target[2] = (byte)(value >> 16);
    }
}

/// <summary>A minimal little-endian TIFF structure with ASCII entries in IFD0, for a WEBP <c>EXIF</c> chunk.</summary>
public static class ExifAscii
{
    /// <summary>Tags with their text (written as ASCII, other characters as <c>?</c>, NUL-terminated), sorted by tag.</summary>
    public static byte[] Build(IReadOnlyDictionary<ushort, string> entries)
    {
        if (entries.Count == 0) return [];
        var tags = entries.Keys.Order().ToArray();
        const int ifdOffset = 8;
        var ifdSize = 2 + 12 * tags.Length + 4;
        var values = new MemoryStream();
        var ifd = new byte[ifdSize];
        BinaryPrimitives.WriteUInt16LittleEndian(ifd, (ushort)tags.Length);
        for (var i = 0; i < tags.Length; i++)
        {
            var text = entries[tags[i]];
            var bytes = new byte[text.Length + 1];
            for (var c = 0; c < text.Length; c++) bytes[c] = text[c] < 0x80 ? (byte)text[c] : (byte)'?';
            var entry = ifd.AsSpan(2 + 12 * i, 12);
            BinaryPrimitives.WriteUInt16LittleEndian(entry, tags[i]);
            BinaryPrimitives.WriteUInt16LittleEndian(entry[2..], 2); // ASCII
            BinaryPrimitives.WriteInt32LittleEndian(entry[4..], bytes.Length);
            if (bytes.Length <= 4)
            {
                bytes.CopyTo(entry[8..]);
                continue;
            }
            BinaryPrimitives.WriteInt32LittleEndian(entry[8..], ifdOffset + ifdSize + (int)values.Length);
            values.Write(bytes);
            if ((values.Length & 1) == 1) values.WriteByte(0);
        }
        // Next-IFD offset 0: no further IFD.
        var output = new MemoryStream();
        output.Write("II*\0"u8);
        output.Write([ifdOffset, 0, 0, 0]);
        output.Write(ifd);
        values.Position = 0;
        values.CopyTo(output);
        return output.ToArray();
    }
}
