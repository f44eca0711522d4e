using System.Numerics;

namespace ComfySharp.Nodes.Image.Quantization;

/// <summary>
/// The distinct colours of an image for the median cut, each with its pixel count and the sums of its pixels' original channels.
/// Like Pillow's colour hash, it keeps at most 65 536 colours: past that every channel drops its lowest bit (the scale grows) until
/// the reduced colours fit. Colours are found with a bit set over the reduced colour cube and numbered by their rank in it.
/// </summary>
internal sealed class ColourTable
{
    private const int MaxColours = 65536;

    private readonly byte[][] _channels;

    private ColourTable(int length)
    {
        Length = length;
        _channels = [new byte[length], new byte[length], new byte[length]];
        Counts = new uint[length];
        SumR = new uint[length];
        SumG = new uint[length];
        SumB = new uint[length];
        Order = new int[length];
        for (var i = 0; i < length; i++) Order[i] = i;
    }

    public int Length { get; }

    /// <summary>Bits dropped from every channel (0 while the image has at most 65 536 colours).</summary>
    public int Scale { get; private set; }

    public uint[] Counts { get; }
    public uint[] SumR { get; }
    public uint[] SumG { get; }
    public uint[] SumB { get; }

    /// <summary>A permutation of the colours that the median cut partitions in place into boxes.</summary>
    public int[] Order { get; }

    /// <summary>The reduced value of every colour on one axis (0 = R, 1 = G, 2 = B).</summary>
    public byte[] Channel(int axis) => _channels[axis];

    public static ColourTable Count(ReadOnlySpan<byte> rgb)
    {
        var scale = 0;
        ulong[] seen;
        while (true)
        {
            seen = MarkColours(rgb, scale, out var distinct);
            if (distinct <= MaxColours) break;
            scale++;
        }

        // Rank of a reduced colour = set bits before it: prefix counts per 64-bit word plus a popcount within the word.
        var before = new int[seen.Length];
        var total = 0;
        for (var w = 0; w < seen.Length; w++)
        {
            before[w] = total;
            total += BitOperations.PopCount(seen[w]);
        }
        var table = new ColourTable(total) { Scale = scale };
        var bits = 8 - scale;
        for (var w = 0; w < seen.Length; w++)
        {
            for (var word = seen[w]; word != 0; word &= word - 1)
            {
                var key = w * 64 + BitOperations.TrailingZeroCount(word);
                var rank = before[w] + BitOperations.PopCount(seen[w] & ((1UL << (key & 63)) - 1));
                table._channels[0][rank] = (byte)(key & ((1 << bits) - 1));
                table._channels[1][rank] = (byte)((key >> bits) & ((1 << bits) - 1));
                table._channels[2][rank] = (byte)(key >> (2 * bits));
            }
        }
        for (var i = 0; i + 2 < rgb.Length; i += 3)
        {
            var key = Key(rgb[i], rgb[i + 1], rgb[i + 2], scale);
            var w = key >> 6;
            var rank = before[w] + BitOperations.PopCount(seen[w] & ((1UL << (key & 63)) - 1));
            table.Counts[rank]++;
            table.SumR[rank] += rgb[i];
            table.SumG[rank] += rgb[i + 1];
            table.SumB[rank] += rgb[i + 2];
        }
        return table;
    }

    private static ulong[] MarkColours(ReadOnlySpan<byte> rgb, int scale, out int distinct)
    {
        var bits = 3 * (8 - scale);
        var seen = new ulong[Math.Max(1, (1 << bits) / 64)];
        distinct = 0;
        for (var i = 0; i + 2 < rgb.Length; i += 3)
        {
            var key = Key(rgb[i], rgb[i + 1], rgb[i + 2], scale);
            var mask = 1UL << (key & 63);
            if ((seen[key >> 6] & mask) != 0) continue;
            seen[key >> 6] |= mask;
            // Pillow rescales as soon as the count passes the limit; the final scale is the first that fits the whole image.
            if (++distinct > MaxColours) return seen;
        }
        return seen;
    }

    private static int Key(int r, int g, int b, int scale)
    {
        var bits = 8 - scale;
        return (r >> scale) | ((g >> scale) << bits) | ((b >> scale) << (2 * bits));
    }
}
