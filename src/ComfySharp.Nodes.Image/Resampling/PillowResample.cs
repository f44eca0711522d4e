using System.Buffers;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ComfySharp.Nodes.Image.Codec;

namespace ComfySharp.Nodes.Image.Resampling;

/// <summary>
/// Pillow's <c>Image.resize</c> on 8-bit interleaved pixels with a convolution filter. ComfyUI's <c>lanczos</c> goes through it
/// (the image becomes 8-bit, is resized with <c>LANCZOS</c> and comes back as <c>byte / 255</c>), and the server's preview frames
/// use it with <c>BILINEAR</c>. As in Pillow: horizontal pass, then vertical, each a sum of 22-bit fixed-point weights in 32-bit
/// integers clipped to 8 bits; a pass whose size does not change is skipped, an unchanged size is a copy, and RGBA is resized
/// premultiplied (<c>RGBa</c>) and converted back. The sums are Pillow's, exactly; they run 8 lanes wide with AVX2 (one pixel's
/// channels at a time horizontally, 32 bytes of a row at a time vertically), single-threaded, with a scalar path elsewhere.
/// </summary>
internal static class PillowResample
{
    private const int Half = 1 << (PillowKernel.PrecisionBits - 1);

    /// <summary>An IMAGE plane [h, w, c] in 0..1 resized as ComfyUI's <c>comfy.utils.lanczos</c>.</summary>
    public static void Lanczos(ReadOnlySpan<float> src, int h, int w, int c, Span<float> dst, int height, int width)
    {
        var bytes = ArrayPool<byte>.Shared.Rent(src.Length);
        var resized = ArrayPool<byte>.Shared.Rent(dst.Length);
        try
        {
            Pixels.ToBytes(src, bytes.AsSpan(0, src.Length));
            Resize(bytes.AsSpan(0, src.Length), h, w, c, height, width, PillowFilter.Lanczos, resized.AsSpan(0, dst.Length));
            Pixels.ToFloats(resized.AsSpan(0, dst.Length), dst);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
            ArrayPool<byte>.Shared.Return(resized);
        }
    }

    /// <summary>8-bit interleaved pixels (1 to 4 channels) resized as Pillow's <c>Image.resize</c> with <paramref name="filter"/>.</summary>
    public static byte[] ResizeBytes(ReadOnlySpan<byte> bytes, int h, int w, int c, int height, int width, PillowFilter filter)
    {
        var result = new byte[checked(height * width * c)];
        Resize(bytes, h, w, c, height, width, filter, result);
        return result;
    }

    private static void Resize(ReadOnlySpan<byte> bytes, int h, int w, int c, int height, int width, PillowFilter filter, Span<byte> result)
    {
        if (bytes.Length != h * w * c) throw new ArgumentException("Pixel buffer does not match the size.", nameof(bytes));
        if (width == w && height == h)
        {
            bytes.CopyTo(result);
            return;
        }
        byte[]? premultiplied = null;
        if (c == 4)
        {
            // Image.resize converts RGBA to RGBa around the resampling.
            premultiplied = ArrayPool<byte>.Shared.Rent(bytes.Length);
            Premultiply(bytes, premultiplied);
            bytes = premultiplied.AsSpan(0, bytes.Length);
        }
        try
        {
            Resample(bytes, h, w, c, height, width, filter, result);
            if (c == 4) Unpremultiply(result);
        }
        finally
        {
            if (premultiplied is not null) ArrayPool<byte>.Shared.Return(premultiplied);
        }
    }

    private static void Resample(ReadOnlySpan<byte> bytes, int h, int w, int c, int height, int width, PillowFilter filter, Span<byte> result)
    {
        if (width == w)
        {
            Vertical(bytes, w * c, PillowKernel.Create(h, height, filter), height, result);
            return;
        }
        if (height == h)
        {
            Horizontal(bytes, h, w, c, PillowKernel.Create(w, width, filter), width, result);
            return;
        }
        var rows = ArrayPool<byte>.Shared.Rent(h * width * c);
        try
        {
            Horizontal(bytes, h, w, c, PillowKernel.Create(w, width, filter), width, rows.AsSpan(0, h * width * c));
            Vertical(rows.AsSpan(0, h * width * c), width * c, PillowKernel.Create(h, height, filter), height, result);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rows);
        }
    }

    /// <summary>Each row resized to <paramref name="outWidth"/> pixels.</summary>
    private static unsafe void Horizontal(ReadOnlySpan<byte> src, int h, int w, int c, PillowKernel kernel, int outWidth, Span<byte> dst)
    {
        var (inRow, outRow) = (w * c, outWidth * c);
        // The SIMD path loads 4 bytes per tap; with 3 channels the last pixel of the buffer would read one byte past it.
        var simdRows = !Sse41.IsSupported || c < 3 ? 0 : c == 4 ? h : h - 1;
        fixed (byte* s = src)
        fixed (byte* d = dst)
        fixed (int* weights = kernel.Weights)
        fixed (int* starts = kernel.Start)
        {
            var size = kernel.Size;
            for (var y = 0; y < simdRows; y++)
            {
                var row = s + (long)y * inRow;
                var output = d + (long)y * outRow;
                for (var x = 0; x < outWidth; x++)
                {
                    var p = row + starts[x] * c;
                    var k = weights + x * size;
                    var sum = Vector128.Create(Half);
                    for (var j = 0; j < size; j++)
                    {
                        sum = Sse2.Add(sum, Sse41.MultiplyLow(Sse41.ConvertToVector128Int32(p + j * c), Vector128.Create(k[j])));
                    }
                    // >> 22, then clip8 by the two saturating packs.
                    var shorts = Sse2.PackSignedSaturate(Sse2.ShiftRightArithmetic(sum, PillowKernel.PrecisionBits), default);
                    var pixel = Sse2.PackUnsignedSaturate(shorts, default).AsUInt32().ToScalar();
                    var o = output + x * c;
                    if (c == 4)
                    {
                        *(uint*)o = pixel;
                    }
                    else
                    {
                        *(ushort*)o = (ushort)pixel;
                        o[2] = (byte)(pixel >> 16);
                    }
                }
            }
            for (var y = simdRows; y < h; y++)
            {
                var row = src.Slice(y * inRow, inRow);
                var output = dst.Slice(y * outRow, outRow);
                for (var x = 0; x < outWidth; x++)
                {
                    var first = starts[x] * c;
                    var k = kernel.Weights.AsSpan(x * size, size);
                    for (var ch = 0; ch < c; ch++)
                    {
                        var sum = Half;
                        for (var j = 0; j < size; j++) sum += row[first + j * c + ch] * k[j];
                        output[x * c + ch] = Clip8(sum);
                    }
                }
            }
        }
    }

    /// <summary>The rows, <paramref name="rowBytes"/> bytes each, resampled to <paramref name="outHeight"/> rows.</summary>
    private static unsafe void Vertical(ReadOnlySpan<byte> src, int rowBytes, PillowKernel kernel, int outHeight, Span<byte> dst)
    {
        var size = kernel.Size;
        var simdBytes = Avx2.IsSupported ? rowBytes & ~31 : 0;
        fixed (byte* s = src)
        fixed (byte* d = dst)
        fixed (int* weights = kernel.Weights)
        {
            // After the packs the four accumulators' bytes come out interleaved by 128-bit lane; this puts them back in order.
            var order = Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7);
            for (var y = 0; y < outHeight; y++)
            {
                var k = weights + y * size;
                var first = s + (long)kernel.Start[y] * rowBytes;
                var output = d + (long)y * rowBytes;
                for (var i = 0; i < simdBytes; i += 32)
                {
                    var s0 = Vector256.Create(Half);
                    var (s1, s2, s3) = (s0, s0, s0);
                    var p = first + i;
                    for (var j = 0; j < size; j++, p += rowBytes)
                    {
                        var kj = Vector256.Create(k[j]);
                        s0 = Avx2.Add(s0, Avx2.MultiplyLow(Avx2.ConvertToVector256Int32(p), kj));
                        s1 = Avx2.Add(s1, Avx2.MultiplyLow(Avx2.ConvertToVector256Int32(p + 8), kj));
                        s2 = Avx2.Add(s2, Avx2.MultiplyLow(Avx2.ConvertToVector256Int32(p + 16), kj));
                        s3 = Avx2.Add(s3, Avx2.MultiplyLow(Avx2.ConvertToVector256Int32(p + 24), kj));
                    }
                    var low = Avx2.PackSignedSaturate(Avx2.ShiftRightArithmetic(s0, PillowKernel.PrecisionBits),
                        Avx2.ShiftRightArithmetic(s1, PillowKernel.PrecisionBits));
                    var high = Avx2.PackSignedSaturate(Avx2.ShiftRightArithmetic(s2, PillowKernel.PrecisionBits),
                        Avx2.ShiftRightArithmetic(s3, PillowKernel.PrecisionBits));
                    var packed = Avx2.PackUnsignedSaturate(low, high).AsInt32();
                    Avx.Store((int*)(output + i), Avx2.PermuteVar8x32(packed, order));
                }
                for (var i = simdBytes; i < rowBytes; i++)
                {
                    var sum = Half;
                    for (var j = 0; j < size; j++) sum += first[(long)j * rowBytes + i] * k[j];
                    output[i] = Clip8(sum);
                }
            }
        }
    }

    private static byte Clip8(int sum)
    {
        var v = sum >> PillowKernel.PrecisionBits;
        return v <= 0 ? (byte)0 : v < 256 ? (byte)v : (byte)255;
    }

    /// <summary>Pillow's RGBA → RGBa: each colour times alpha with its <c>MULDIV255</c> rounding.</summary>
    private static void Premultiply(ReadOnlySpan<byte> rgba, Span<byte> rgbA)
    {
        for (var i = 0; i < rgba.Length; i += 4)
        {
            int alpha = rgba[i + 3];
            for (var ch = 0; ch < 3; ch++)
            {
                var t = rgba[i + ch] * alpha + 128;
                rgbA[i + ch] = (byte)(((t >> 8) + t) >> 8);
            }
            rgbA[i + 3] = (byte)alpha;
        }
    }

    /// <summary>Pillow's RGBa → RGBA, in place: colours times 255 over alpha (integer division, clipped); alpha 0 and 255 unchanged.</summary>
    private static void Unpremultiply(Span<byte> pixels)
    {
        for (var i = 0; i < pixels.Length; i += 4)
        {
            int alpha = pixels[i + 3];
            if (alpha is 0 or 255) continue;
            for (var ch = 0; ch < 3; ch++) pixels[i + ch] = (byte)Math.Min(255, 255 * pixels[i + ch] / alpha);
        }
    }
}
