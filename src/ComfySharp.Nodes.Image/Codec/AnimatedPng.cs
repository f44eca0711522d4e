using System.Buffers.Binary;

namespace ComfySharp.Nodes.Image.Codec;

/// <summary>
/// Animated PNG (APNG) as Pillow writes it for <c>save_all=True</c>: <c>acTL</c> before the first <c>IDAT</c>, an <c>fcTL</c> per frame
/// (whole canvas, no disposal, source blending), later frames' image data in <c>fdAT</c> chunks, and the chunks Pillow writes
/// "after IDAT" just before <c>IEND</c>. Runs of identical frames become one frame with their durations summed, and a single
/// remaining frame is a plain PNG, both as Pillow does. Each frame is compressed by <see cref="ImageEncoder.Png"/>.
/// </summary>
public static class AnimatedPng
{
    /// <summary>One frame's straight 8-bit pixels (3 or 4 channels) and its duration in milliseconds.</summary>
    public sealed record Frame(byte[] Pixels, int DurationMs);

    public static byte[] Encode(IReadOnlyList<Frame> frames, int width, int height, int channels, int compressLevel,
        IReadOnlyList<(string Type, byte[] Data)> chunksAfterImageData)
    {
        var merged = MergeIdentical(frames);
        using var output = new MemoryStream();
        output.Write(PngChunks.Signature);
        var sequence = 0;
        byte[]? header = null;
        for (var i = 0; i < merged.Count; i++)
        {
            var png = ImageEncoder.Png(merged[i].Pixels, width, height, channels, compressLevel);
            var chunks = PngChunks.Read(png);
            var ihdr = chunks.First(c => c.Type == "IHDR").Data;
            if (header is null)
            {
                header = ihdr;
                foreach (var (type, data) in chunks)
                {
                    if (type == "IDAT") break;
                    PngText.WriteChunk(output, System.Text.Encoding.ASCII.GetBytes(type), data);
                }
                if (merged.Count > 1) PngText.WriteChunk(output, "acTL"u8, AnimationControl(merged.Count));
            }
            else if (!ihdr.AsSpan().SequenceEqual(header))
            {
                throw new InvalidOperationException("The frames of an animated PNG must share one pixel format.");
            }
            if (merged.Count > 1) PngText.WriteChunk(output, "fcTL"u8, FrameControl(sequence++, width, height, merged[i].DurationMs));
            foreach (var (type, data) in chunks)
            {
                if (type != "IDAT") continue;
                if (i == 0)
                {
                    PngText.WriteChunk(output, "IDAT"u8, data);
                    continue;
                }
                var frameData = new byte[4 + data.Length];
                BinaryPrimitives.WriteInt32BigEndian(frameData, sequence++);
                data.CopyTo(frameData, 4);
                PngText.WriteChunk(output, "fdAT"u8, frameData);
            }
        }
        foreach (var (type, data) in chunksAfterImageData) PngText.WriteChunk(output, System.Text.Encoding.ASCII.GetBytes(type), data);
        PngText.WriteChunk(output, "IEND"u8, []);
        return output.ToArray();
    }

    /// <summary>Consecutive frames with equal pixels collapse into the first, which keeps the summed duration.</summary>
    public static List<Frame> MergeIdentical(IReadOnlyList<Frame> frames)
    {
        var merged = new List<Frame>(frames.Count);
        foreach (var frame in frames)
        {
            if (merged.Count > 0 && merged[^1].Pixels.AsSpan().SequenceEqual(frame.Pixels))
            {
                merged[^1] = merged[^1] with { DurationMs = merged[^1].DurationMs + frame.DurationMs };
            }
            else
            {
                merged.Add(frame);
            }
        }
        return merged;
    }

    private static byte[] AnimationControl(int frameCount)
    {
        var data = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(data, frameCount);
        // num_plays 0: loop forever (Pillow's default).
        return data;
    }

    private static byte[] FrameControl(int sequence, int width, int height, int durationMs)
    {
        // The delay is a 16-bit fraction: milliseconds over 1000, coarsened until the numerator fits.
        var (numerator, denominator) = (durationMs, 1000);
        while (numerator > ushort.MaxValue && denominator > 1)
        {
            numerator = (int)Math.Round(numerator / 10.0);
            denominator /= 10;
        }
        numerator = Math.Min(numerator, ushort.MaxValue);
        var data = new byte[26];
        BinaryPrimitives.WriteInt32BigEndian(data, sequence);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(4), width);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(8), height);
        // x and y offsets 0.
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(20), (ushort)numerator);
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(22), (ushort)denominator);
        // dispose_op 0 (none), blend_op 0 (source).
        return data;
    }
}

/// <summary>The chunks of a PNG stream in order (length, type, data, CRC), without checking CRCs.</summary>
internal static class PngChunks
{
    public static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static List<(string Type, byte[] Data)> Read(ReadOnlySpan<byte> png)
    {
        if (!png.StartsWith(Signature)) throw new InvalidImageException("not a PNG stream");
        var chunks = new List<(string, byte[])>();
        var offset = Signature.Length;
        while (offset + 12 <= png.Length)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png[offset..]);
            if (length < 0 || offset + 12L + length > png.Length) throw new InvalidImageException("truncated PNG chunk");
            var type = System.Text.Encoding.ASCII.GetString(png.Slice(offset + 4, 4));
            if (type == "IEND") break;
            chunks.Add((type, png.Slice(offset + 8, length).ToArray()));
            offset += 12 + length;
        }
        return chunks;
    }
}
