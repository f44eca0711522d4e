using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ComfySharp.Nodes.Image.Codec;

/// <summary>
/// A baseline JPEG encoder for RGB pixels, written for the preview path: JFIF, YCbCr with 2×2 chroma subsampling, libjpeg's
/// quality tables (so quality 95 gives Pillow's tables) and the standard Huffman tables, as Pillow saves by default. The colour
/// conversion, 2×2 averaging, the AAN forward DCT (in float, as libjpeg's <c>JDCT_FLOAT</c>) and quantization run on 8-float
/// vectors; entropy coding walks each block's non-zero coefficients by bit mask. Skia's JPEG encoder measured about 9 times slower
/// than Pillow's on a 512×512 frame. Single-threaded; the bytes differ from libjpeg's (other DCT rounding), not the format.
/// </summary>
[SkipLocalsInit]
internal static class JpegEncoder
{
    private const int MaxCoefficient = 1023;

    // AAN scale factors: 1 for k = 0, else cos(kπ/16)·√2.
    private static readonly float[] AanScale = BuildAanScale();
    private static readonly HuffmanTable DcLuminance = new(JpegTables.DcLuminanceCounts, JpegTables.DcLuminanceSymbols);
    private static readonly HuffmanTable AcLuminance = new(JpegTables.AcLuminanceCounts, JpegTables.AcLuminanceSymbols);
    private static readonly HuffmanTable DcChrominance = new(JpegTables.DcChrominanceCounts, JpegTables.DcChrominanceSymbols);
    private static readonly HuffmanTable AcChrominance = new(JpegTables.AcChrominanceCounts, JpegTables.AcChrominanceSymbols);

    public static byte[] Encode(ReadOnlySpan<byte> pixels, int width, int height, int channels, int quality)
    {
        if (channels is not (3 or 4)) throw new ArgumentOutOfRangeException(nameof(channels), channels, "3 or 4 channels");
        if (width <= 0 || height <= 0 || width > 65535 || height > 65535) throw new ArgumentOutOfRangeException(nameof(width), "JPEG sizes are 1 to 65535.");
        if (pixels.Length != width * height * channels) throw new ArgumentException("Pixel buffer does not match the size.", nameof(pixels));
        var luminanceTable = JpegTables.Quantization(0, quality);
        var chrominanceTable = JpegTables.Quantization(1, quality);
        var output = new JpegWriter(width * height / 2 + 1024);
        WriteHeaders(ref output, width, height, luminanceTable, chrominanceTable);
        Scan(pixels, width, height, channels, Reciprocals(luminanceTable), Reciprocals(chrominanceTable), ref output);
        output.WriteMarker(0xD9);
        return output.ToArray();
    }

    private static void Scan(ReadOnlySpan<byte> pixels, int width, int height, int channels, float[] luminance, float[] chrominance,
        ref JpegWriter output)
    {
        var paddedWidth = (width + 15) & ~15;
        // One MCU row: 16 rows of Y, Cb and Cr at full resolution (level-shifted), then Cb and Cr averaged to 8 rows of half width.
        var y = new float[16 * paddedWidth];
        var cb = new float[16 * paddedWidth];
        var cr = new float[16 * paddedWidth];
        var cbHalf = new float[8 * paddedWidth / 2];
        var crHalf = new float[8 * paddedWidth / 2];
        Span<int> block = stackalloc int[64];
        var (dcY, dcCb, dcCr) = (0, 0, 0);
        for (var top = 0; top < height; top += 16)
        {
            for (var row = 0; row < 16; row++)
            {
                // Rows past the bottom repeat the last one, as libjpeg pads.
                var source = pixels.Slice(Math.Min(top + row, height - 1) * width * channels, width * channels);
                ConvertRow(source, width, channels, y.AsSpan(row * paddedWidth, paddedWidth), cb.AsSpan(row * paddedWidth, paddedWidth),
                    cr.AsSpan(row * paddedWidth, paddedWidth));
            }
            Downsample(cb, paddedWidth, cbHalf);
            Downsample(cr, paddedWidth, crHalf);
            for (var left = 0; left < paddedWidth; left += 16)
            {
                output.Reserve(6 * 64 * 8);
                dcY = EncodeBlock(y.AsSpan(left), paddedWidth, luminance, block, dcY, DcLuminance, AcLuminance, ref output);
                dcY = EncodeBlock(y.AsSpan(left + 8), paddedWidth, luminance, block, dcY, DcLuminance, AcLuminance, ref output);
                dcY = EncodeBlock(y.AsSpan(8 * paddedWidth + left), paddedWidth, luminance, block, dcY, DcLuminance, AcLuminance, ref output);
                dcY = EncodeBlock(y.AsSpan(8 * paddedWidth + left + 8), paddedWidth, luminance, block, dcY, DcLuminance, AcLuminance, ref output);
                dcCb = EncodeBlock(cbHalf.AsSpan(left / 2), paddedWidth / 2, chrominance, block, dcCb, DcChrominance, AcChrominance, ref output);
                dcCr = EncodeBlock(crHalf.AsSpan(left / 2), paddedWidth / 2, chrominance, block, dcCr, DcChrominance, AcChrominance, ref output);
            }
        }
        output.FlushBits();
    }

    /// <summary>JFIF's RGB → YCbCr (Y − 128, Cb − 128, Cr − 128) for one row, the last pixel repeated out to the padded width.</summary>
    private static unsafe void ConvertRow(ReadOnlySpan<byte> source, int width, int channels, Span<float> y, Span<float> cb, Span<float> cr)
    {
        var x = 0;
        if (Avx2.IsSupported && channels == 3)
        {
            fixed (byte* s = source)
            fixed (float* py = y)
            fixed (float* pb = cb)
            fixed (float* pr = cr)
            {
                // Two 16-byte loads put pixels 0–3 and 4–7 (12 bytes each) in the two 128-bit lanes; an in-lane byte shuffle then
                // spreads each channel into eight 32-bit lanes.
                var red = Vector256.Create((byte)0, 0x80, 0x80, 0x80, 3, 0x80, 0x80, 0x80, 6, 0x80, 0x80, 0x80, 9, 0x80, 0x80, 0x80,
                    0, 0x80, 0x80, 0x80, 3, 0x80, 0x80, 0x80, 6, 0x80, 0x80, 0x80, 9, 0x80, 0x80, 0x80);
                // Indices with the top bit set give 0, and stay so when 1 or 2 is added.
                var green = Avx2.Add(red, Vector256.Create((byte)1));
                var blue = Avx2.Add(red, Vector256.Create((byte)2));
                var rowBytes = width * 3;
                for (; x * 3 + 28 <= rowBytes; x += 8)
                {
                    var p = s + x * 3;
                    var v = Vector256.Create(Sse2.LoadVector128(p), Sse2.LoadVector128(p + 12));
                    var r = Avx.ConvertToVector256Single(Avx2.Shuffle(v, red).AsInt32());
                    var g = Avx.ConvertToVector256Single(Avx2.Shuffle(v, green).AsInt32());
                    var b = Avx.ConvertToVector256Single(Avx2.Shuffle(v, blue).AsInt32());
                    Avx.Store(py + x, r * 0.299f + g * 0.587f + b * 0.114f - Vector256.Create(128f));
                    Avx.Store(pb + x, b * 0.5f - r * 0.168736f - g * 0.331264f);
                    Avx.Store(pr + x, r * 0.5f - g * 0.418688f - b * 0.081312f);
                }
            }
        }
        else if (Avx2.IsSupported)
        {
            fixed (byte* s = source)
            fixed (float* py = y)
            fixed (float* pb = cb)
            fixed (float* pr = cr)
            {
                // RGBA: each gathered int is one pixel.
                var offsets = Vector256.Create(0, 4, 8, 12, 16, 20, 24, 28);
                var mask = Vector256.Create(0xFF);
                for (; x + 8 <= width; x += 8)
                {
                    var packed = Avx2.GatherVector256((int*)(s + x * 4), offsets, 1);
                    var r = Avx.ConvertToVector256Single(Avx2.And(packed, mask));
                    var g = Avx.ConvertToVector256Single(Avx2.And(Avx2.ShiftRightLogical(packed, 8), mask));
                    var b = Avx.ConvertToVector256Single(Avx2.And(Avx2.ShiftRightLogical(packed, 16), mask));
                    Avx.Store(py + x, r * 0.299f + g * 0.587f + b * 0.114f - Vector256.Create(128f));
                    Avx.Store(pb + x, b * 0.5f - r * 0.168736f - g * 0.331264f);
                    Avx.Store(pr + x, r * 0.5f - g * 0.418688f - b * 0.081312f);
                }
            }
        }
        for (; x < width; x++)
        {
            float r = source[x * channels], g = source[x * channels + 1], b = source[x * channels + 2];
            y[x] = r * 0.299f + g * 0.587f + b * 0.114f - 128f;
            cb[x] = b * 0.5f - r * 0.168736f - g * 0.331264f;
            cr[x] = r * 0.5f - g * 0.418688f - b * 0.081312f;
        }
        y[(width - 1)..].Fill(y[width - 1]);
        cb[(width - 1)..].Fill(cb[width - 1]);
        cr[(width - 1)..].Fill(cr[width - 1]);
    }

    /// <summary>The mean of each 2×2 square of the 16-row plane.</summary>
    private static void Downsample(float[] plane, int width, float[] half)
    {
        var halfWidth = width / 2;
        for (var row = 0; row < 8; row++)
        {
            var upper = plane.AsSpan(row * 2 * width, width);
            var lower = plane.AsSpan((row * 2 + 1) * width, width);
            var target = half.AsSpan(row * halfWidth, halfWidth);
            var x = 0;
            if (Avx2.IsSupported)
            {
                for (; x + 16 <= width; x += 16)
                {
                    var a = Vector256.Create(upper.Slice(x, 8)) + Vector256.Create(lower.Slice(x, 8));
                    var b = Vector256.Create(upper.Slice(x + 8, 8)) + Vector256.Create(lower.Slice(x + 8, 8));
                    // hadd pairs lane by lane; the 64-bit permute puts the two halves back in order.
                    var pairs = Avx2.Permute4x64(Avx.HorizontalAdd(a, b).AsDouble(), 0b11_01_10_00).AsSingle();
                    (pairs * 0.25f).CopyTo(target.Slice(x / 2, 8));
                }
            }
            for (; x < width; x += 2) target[x / 2] = (upper[x] + upper[x + 1] + lower[x] + lower[x + 1]) * 0.25f;
        }
    }

    /// <summary>DCT, quantization and Huffman coding of the 8×8 block at the start of <paramref name="plane"/>; returns its DC.</summary>
    private static int EncodeBlock(ReadOnlySpan<float> plane, int stride, float[] reciprocals, Span<int> block, int previousDc,
        HuffmanTable dc, HuffmanTable ac, ref JpegWriter output)
    {
        if (Avx2.IsSupported) ForwardDctQuantizeVector(plane, stride, reciprocals, block);
        else ForwardDctQuantizeScalar(plane, stride, reciprocals, block);

        // block holds the coefficients transposed (index u·8 + v for row frequency v, column frequency u); only the non-zero
        // ones are looked at, in zigzag order, so the cost follows the coded symbols rather than the 64 positions.
        var value = block[0];
        var diff = value - previousDc;
        var size = Magnitude(diff);
        var dcEntry = dc.Entries[size];
        // The bit accumulator lives in registers for the block (through the writer's fields it would chain every symbol
        // through memory).
        var (pending, count) = (output.Pending, output.PendingCount);
        Emit(ref pending, ref count, ((dcEntry >> 8) << size) | (ExtraBits(diff) & ((1u << size) - 1)), (int)(dcEntry & 0xFF) + size, ref output);

        var transposed = NonZeroMask(block) & ~1UL;
        var nonZero = 0UL;
        var toZigzag = ZigzagOfTransposed;
        while (transposed != 0)
        {
            nonZero |= 1UL << toZigzag[BitOperations.TrailingZeroCount(transposed)];
            transposed &= transposed - 1;
        }
        var fromZigzag = TransposedOfZigzag;
        var entries = ac.Entries;
        var last = 0;
        while (nonZero != 0)
        {
            var position = BitOperations.TrailingZeroCount(nonZero);
            nonZero &= nonZero - 1;
            var run = position - last - 1;
            while (run >= 16)
            {
                Emit(ref pending, ref count, entries[0xF0] >> 8, (int)(entries[0xF0] & 0xFF), ref output);
                run -= 16;
            }
            var coefficient = block[fromZigzag[position]];
            var bits = Magnitude(coefficient);
            var symbol = (run << 4) | bits;
            var entry = entries[symbol];
            Emit(ref pending, ref count, ((entry >> 8) << bits) | (ExtraBits(coefficient) & ((1u << bits) - 1)), (int)(entry & 0xFF) + bits, ref output);
            last = position;
        }
        if (last != 63) Emit(ref pending, ref count, entries[0] >> 8, (int)(entries[0] & 0xFF), ref output);
        (output.Pending, output.PendingCount) = (pending, count);
        return value;
    }

    /// <summary>Appends the low <paramref name="size"/> bits (at most 32) of <paramref name="value"/>, most significant first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Emit(ref ulong pending, ref int count, uint value, int size, ref JpegWriter output)
    {
        pending = (pending << size) | value;
        count += size;
        if (count < 32) return;
        count -= 32;
        output.WriteWord((uint)(pending >> count));
    }

    /// <summary>For each zigzag position, the index of its coefficient in the transposed block.</summary>
    private static readonly byte[] TransposedOfZigzag = BuildTransposedOfZigzag();

    /// <summary>For each index of the transposed block, its zigzag position.</summary>
    private static readonly byte[] ZigzagOfTransposed = Invert(TransposedOfZigzag);

    private static byte[] BuildTransposedOfZigzag()
    {
        var table = new byte[64];
        for (var i = 0; i < 64; i++)
        {
            var natural = JpegTables.Zigzag[i];
            table[i] = (byte)((natural & 7) * 8 + (natural >> 3));
        }
        return table;
    }

    private static byte[] Invert(byte[] permutation)
    {
        var inverse = new byte[permutation.Length];
        for (var i = 0; i < permutation.Length; i++) inverse[permutation[i]] = (byte)i;
        return inverse;
    }

    /// <summary>The number of bits of |value| (its JPEG size category), without branches: the signs of noise are unpredictable.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Magnitude(int value)
    {
        var sign = value >> 31;
        return 32 - BitOperations.LeadingZeroCount((uint)((value ^ sign) - sign));
    }

    /// <summary>The bits JPEG appends after a size category: the value itself, or value − 1 when negative (to be masked).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint ExtraBits(int value) => (uint)(value + (value >> 31));

    private static ulong NonZeroMask(ReadOnlySpan<int> zigzag)
    {
        if (!Vector256.IsHardwareAccelerated)
        {
            var mask = 0UL;
            for (var i = 0; i < 64; i++) if (zigzag[i] != 0) mask |= 1UL << i;
            return mask;
        }
        var result = 0UL;
        for (var i = 0; i < 8; i++)
        {
            var zero = Vector256.Equals(Vector256.Create(zigzag.Slice(i * 8, 8)), Vector256<int>.Zero);
            result |= (ulong)(~zero.ExtractMostSignificantBits() & 0xFF) << (i * 8);
        }
        return result;
    }

    /// <summary>The AAN DCT down the columns (eight rows as vectors), a transpose, the same again, then × 1/(q·scale) and rounding.</summary>
    private static void ForwardDctQuantizeVector(ReadOnlySpan<float> plane, int stride, float[] reciprocals, Span<int> block)
    {
        Vector256<float> r0 = Load(plane, 0), r1 = Load(plane, stride), r2 = Load(plane, 2 * stride), r3 = Load(plane, 3 * stride);
        Vector256<float> r4 = Load(plane, 4 * stride), r5 = Load(plane, 5 * stride), r6 = Load(plane, 6 * stride), r7 = Load(plane, 7 * stride);
        Dct8(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
        Transpose(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
        Dct8(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
        Quantize(r0, reciprocals, 0, block);
        Quantize(r1, reciprocals, 8, block);
        Quantize(r2, reciprocals, 16, block);
        Quantize(r3, reciprocals, 24, block);
        Quantize(r4, reciprocals, 32, block);
        Quantize(r5, reciprocals, 40, block);
        Quantize(r6, reciprocals, 48, block);
        Quantize(r7, reciprocals, 56, block);
    }

    private static Vector256<float> Load(ReadOnlySpan<float> plane, int offset) => Vector256.Create(plane.Slice(offset, 8));

    /// <summary>Rounded to nearest (even), clamped to what baseline Huffman tables can code (10 bits for AC; DC loses at most 1 at quality 100).</summary>
    private static void Quantize(Vector256<float> row, float[] reciprocals, int offset, Span<int> block)
    {
        var q = Avx.ConvertToVector256Int32(row * Vector256.Create(reciprocals.AsSpan(offset, 8)));
        Vector256.Min(Vector256.Max(q, Vector256.Create(-MaxCoefficient)), Vector256.Create(MaxCoefficient)).CopyTo(block.Slice(offset, 8));
    }

    /// <summary>One 8-point AAN forward DCT on eight vectors at once (lane by lane), outputs unscaled.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Dct8(ref Vector256<float> d0, ref Vector256<float> d1, ref Vector256<float> d2, ref Vector256<float> d3,
        ref Vector256<float> d4, ref Vector256<float> d5, ref Vector256<float> d6, ref Vector256<float> d7)
    {
        var s07 = d0 + d7;
        var t07 = d0 - d7;
        var s16 = d1 + d6;
        var t16 = d1 - d6;
        var s25 = d2 + d5;
        var t25 = d2 - d5;
        var s34 = d3 + d4;
        var t34 = d3 - d4;

        var even0 = s07 + s34;
        var even3 = s07 - s34;
        var even1 = s16 + s25;
        var even2 = s16 - s25;
        d0 = even0 + even1;
        d4 = even0 - even1;
        var rotated = (even2 + even3) * 0.707106781f;
        d2 = even3 + rotated;
        d6 = even3 - rotated;

        var odd0 = t34 + t25;
        var odd1 = t25 + t16;
        var odd2 = t16 + t07;
        var z5 = (odd0 - odd2) * 0.382683433f;
        var z2 = odd0 * 0.541196100f + z5;
        var z4 = odd2 * 1.306562965f + z5;
        var z3 = odd1 * 0.707106781f;
        var z11 = t07 + z3;
        var z13 = t07 - z3;
        d5 = z13 + z2;
        d3 = z13 - z2;
        d1 = z11 + z4;
        d7 = z11 - z4;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose(ref Vector256<float> r0, ref Vector256<float> r1, ref Vector256<float> r2, ref Vector256<float> r3,
        ref Vector256<float> r4, ref Vector256<float> r5, ref Vector256<float> r6, ref Vector256<float> r7)
    {
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);
        var u0 = Avx.Shuffle(t0, t2, 0b01_00_01_00);
        var u1 = Avx.Shuffle(t0, t2, 0b11_10_11_10);
        var u2 = Avx.Shuffle(t1, t3, 0b01_00_01_00);
        var u3 = Avx.Shuffle(t1, t3, 0b11_10_11_10);
        var u4 = Avx.Shuffle(t4, t6, 0b01_00_01_00);
        var u5 = Avx.Shuffle(t4, t6, 0b11_10_11_10);
        var u6 = Avx.Shuffle(t5, t7, 0b01_00_01_00);
        var u7 = Avx.Shuffle(t5, t7, 0b11_10_11_10);
        r0 = Avx.Permute2x128(u0, u4, 0x20);
        r1 = Avx.Permute2x128(u1, u5, 0x20);
        r2 = Avx.Permute2x128(u2, u6, 0x20);
        r3 = Avx.Permute2x128(u3, u7, 0x20);
        r4 = Avx.Permute2x128(u0, u4, 0x31);
        r5 = Avx.Permute2x128(u1, u5, 0x31);
        r6 = Avx.Permute2x128(u2, u6, 0x31);
        r7 = Avx.Permute2x128(u3, u7, 0x31);
    }

    private static void ForwardDctQuantizeScalar(ReadOnlySpan<float> plane, int stride, float[] reciprocals, Span<int> block)
    {
        Span<float> data = stackalloc float[64];
        for (var r = 0; r < 8; r++) plane.Slice(r * stride, 8).CopyTo(data.Slice(r * 8, 8));
        // Columns (stride 8), then rows of the result stored transposed, matching the vector path's layout.
        Span<float> columns = stackalloc float[64];
        for (var c = 0; c < 8; c++)
        {
            Dct8Scalar(data, c, 8, columns, c * 8);
        }
        for (var c = 0; c < 8; c++)
        {
            Dct8Scalar(columns, c, 8, data, c * 8);
        }
        for (var v = 0; v < 8; v++)
        {
            for (var u = 0; u < 8; u++)
            {
                var t = u * 8 + v;
                block[t] = Math.Clamp((int)MathF.Round(data[v * 8 + u] * reciprocals[t], MidpointRounding.ToEven), -MaxCoefficient, MaxCoefficient);
            }
        }
    }

    /// <summary>The AAN DCT of the 8 values at <paramref name="start"/> + k·<paramref name="step"/>, written to target[offset..offset+8].</summary>
    private static void Dct8Scalar(ReadOnlySpan<float> source, int start, int step, Span<float> target, int offset)
    {
        Span<float> d = stackalloc float[8];
        for (var k = 0; k < 8; k++) d[k] = source[start + k * step];
        float s07 = d[0] + d[7], t07 = d[0] - d[7], s16 = d[1] + d[6], t16 = d[1] - d[6];
        float s25 = d[2] + d[5], t25 = d[2] - d[5], s34 = d[3] + d[4], t34 = d[3] - d[4];
        float even0 = s07 + s34, even3 = s07 - s34, even1 = s16 + s25, even2 = s16 - s25;
        var rotated = (even2 + even3) * 0.707106781f;
        float odd0 = t34 + t25, odd1 = t25 + t16, odd2 = t16 + t07;
        var z5 = (odd0 - odd2) * 0.382683433f;
        var z2 = odd0 * 0.541196100f + z5;
        var z4 = odd2 * 1.306562965f + z5;
        var z3 = odd1 * 0.707106781f;
        float z11 = t07 + z3, z13 = t07 - z3;
        target[offset] = even0 + even1;
        target[offset + 1] = z11 + z4;
        target[offset + 2] = even3 + rotated;
        target[offset + 3] = z13 - z2;
        target[offset + 4] = even0 - even1;
        target[offset + 5] = z13 + z2;
        target[offset + 6] = even3 - rotated;
        target[offset + 7] = z11 - z4;
    }

    /// <summary>1 / (q · aan[row] · aan[col] · 8) for each coefficient, in the transposed layout the DCT leaves.</summary>
    private static float[] Reciprocals(byte[] table)
    {
        var result = new float[64];
        for (var v = 0; v < 8; v++)
        {
            for (var u = 0; u < 8; u++) result[u * 8 + v] = (float)(1.0 / (table[v * 8 + u] * AanScale[v] * AanScale[u] * 8.0));
        }
        return result;
    }

    private static float[] BuildAanScale()
    {
        var scale = new float[8];
        for (var k = 0; k < 8; k++) scale[k] = k == 0 ? 1f : (float)(Math.Cos(k * Math.PI / 16) * Math.Sqrt(2));
        return scale;
    }

    private static void WriteHeaders(ref JpegWriter output, int width, int height, byte[] luminance, byte[] chrominance)
    {
        output.WriteMarker(0xD8);
        // APP0 JFIF 1.01, no units, 1:1 density, no thumbnail.
        output.WriteSegment(0xE0, [(byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
        Span<byte> table = stackalloc byte[65];
        for (var id = 0; id < 2; id++)
        {
            var source = id == 0 ? luminance : chrominance;
            table[0] = (byte)id;
            for (var i = 0; i < 64; i++) table[1 + i] = source[JpegTables.Zigzag[i]];
            output.WriteSegment(0xDB, table);
        }
        Span<byte> frame = stackalloc byte[15];
        frame[0] = 8;
        BinaryPrimitives.WriteUInt16BigEndian(frame[1..], (ushort)height);
        BinaryPrimitives.WriteUInt16BigEndian(frame[3..], (ushort)width);
        frame[5] = 3;
        // Y: 2×2 sampling, table 0; Cb and Cr: 1×1, table 1.
        frame[6] = 1; frame[7] = 0x22; frame[8] = 0;
        frame[9] = 2; frame[10] = 0x11; frame[11] = 1;
        frame[12] = 3; frame[13] = 0x11; frame[14] = 1;
        output.WriteSegment(0xC0, frame);
        WriteHuffman(ref output, 0x00, JpegTables.DcLuminanceCounts, JpegTables.DcLuminanceSymbols);
        WriteHuffman(ref output, 0x10, JpegTables.AcLuminanceCounts, JpegTables.AcLuminanceSymbols);
        WriteHuffman(ref output, 0x01, JpegTables.DcChrominanceCounts, JpegTables.DcChrominanceSymbols);
        WriteHuffman(ref output, 0x11, JpegTables.AcChrominanceCounts, JpegTables.AcChrominanceSymbols);
        // SOS: three components (Y tables 0/0, Cb and Cr 1/1), spectral 0..63, no approximation.
        output.WriteSegment(0xDA, [3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0]);
    }

    private static void WriteHuffman(ref JpegWriter output, byte classAndId, ReadOnlySpan<byte> counts, ReadOnlySpan<byte> symbols)
    {
        Span<byte> data = stackalloc byte[1 + 16 + symbols.Length];
        data[0] = classAndId;
        counts.CopyTo(data[1..]);
        symbols.CopyTo(data[17..]);
        output.WriteSegment(0xC4, data);
    }

    /// <summary>Code and length of each symbol of a Huffman table given as counts per length and symbols (T.81 Annex C).</summary>
    private sealed class HuffmanTable
    {
        public HuffmanTable(ReadOnlySpan<byte> counts, ReadOnlySpan<byte> symbols)
        {
            var code = 0;
            var k = 0;
            for (var length = 1; length <= 16; length++)
            {
                for (var i = 0; i < counts[length - 1]; i++, k++)
                {
                    Entries[symbols[k]] = (uint)(code << 8) | (uint)length;
                    code++;
                }
                code <<= 1;
            }
        }

        /// <summary>Per symbol: its code above bit 8, its length in the low byte.</summary>
        public uint[] Entries { get; } = new uint[256];
    }
}

/// <summary>The growing output of <see cref="JpegEncoder"/>: markers and segments, then entropy-coded bits with 0xFF stuffing.</summary>
internal struct JpegWriter(int capacity)
{
    private byte[] _buffer = new byte[Math.Max(capacity, 4096)];
    private int _length;

    public void Reserve(int bytes)
    {
        if (_length + bytes <= _buffer.Length) return;
        Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + bytes));
    }

    public void WriteMarker(byte marker)
    {
        Reserve(2);
        _buffer[_length++] = 0xFF;
        _buffer[_length++] = marker;
    }

    public void WriteSegment(byte marker, ReadOnlySpan<byte> data)
    {
        Reserve(4 + data.Length);
        WriteMarker(marker);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(_length), (ushort)(data.Length + 2));
        _length += 2;
        data.CopyTo(_buffer.AsSpan(_length));
        _length += data.Length;
    }

    /// <summary>Bits not yet written, right-aligned (higher bits are already out); the encoder keeps them in registers per block.</summary>
    public ulong Pending;

    /// <summary>How many of <see cref="Pending"/>'s low bits are not yet written (under 32).</summary>
    public int PendingCount;

    /// <summary>32 entropy-coded bits, with a 0x00 after any 0xFF byte. The caller has reserved room (<see cref="Reserve"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteWord(uint word)
    {
        // A byte is 0xFF when its top bit is set and its low seven bits plus one carry into bit 7; the common case writes the
        // four bytes at once.
        if ((word & 0x80808080u & ((word & 0x7F7F7F7Fu) + 0x01010101u)) == 0)
        {
            _ = _buffer[_length + 3]; // bounds check for the four bytes
            Unsafe.WriteUnaligned(ref _buffer[_length], BinaryPrimitives.ReverseEndianness(word));
            _length += 4;
            return;
        }
        WriteStuffedWord(word);
    }

    private void WriteStuffedWord(uint word)
    {
        for (var shift = 24; shift >= 0; shift -= 8) WriteStuffed((byte)(word >> shift));
    }

    /// <summary>The last partial byte, padded with 1 bits.</summary>
    public void FlushBits()
    {
        Reserve(16);
        while (PendingCount >= 8)
        {
            PendingCount -= 8;
            WriteStuffed((byte)(Pending >> PendingCount));
        }
        if (PendingCount > 0)
        {
            WriteStuffed((byte)((Pending << (8 - PendingCount)) | ((1u << (8 - PendingCount)) - 1)));
            PendingCount = 0;
        }
        Pending = 0;
    }

    private void WriteStuffed(byte value)
    {
        _buffer[_length++] = value;
        if (value == 0xFF) _buffer[_length++] = 0;
    }

    public readonly byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();
}
