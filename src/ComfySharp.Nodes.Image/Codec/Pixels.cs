using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ComfySharp.Nodes.Image.Codec;

/// <summary>
/// Conversions between 8-bit pixels and ComfyUI's float values, with numpy's rounding, and between RGB and RGBA pixels. Each is
/// one pass, 8 floats or 16 bytes at a time with AVX2/SSSE3 (scalar elsewhere), allocating nothing but its result.
/// </summary>
public static class Pixels
{
    /// <summary><c>np.clip(255. * x, 0, 255).astype(np.uint8)</c>: scaled, clipped, truncated (NaN becomes 0).</summary>
    public static unsafe void ToBytes(ReadOnlySpan<float> values, Span<byte> bytes)
    {
        if (bytes.Length < values.Length) throw new ArgumentException("The byte buffer is too small.", nameof(bytes));
        var i = 0;
        if (Avx2.IsSupported)
        {
            fixed (float* src = values)
            fixed (byte* dst = bytes)
            {
                var scale = Vector256.Create(255f);
                var max = Vector256.Create(255f);
                var order = Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7);
                for (; i + 32 <= values.Length; i += 32)
                {
                    var a = Truncated(Avx.LoadVector256(src + i), scale, max);
                    var b = Truncated(Avx.LoadVector256(src + i + 8), scale, max);
                    var c = Truncated(Avx.LoadVector256(src + i + 16), scale, max);
                    var d = Truncated(Avx.LoadVector256(src + i + 24), scale, max);
                    var packed = Avx2.PackUnsignedSaturate(Avx2.PackSignedSaturate(a, b), Avx2.PackSignedSaturate(c, d)).AsInt32();
                    Avx.Store((int*)(dst + i), Avx2.PermuteVar8x32(packed, order));
                }
            }
        }
        for (; i < values.Length; i++)
        {
            var v = Math.Clamp(values[i] * 255f, 0f, 255f);
            bytes[i] = float.IsNaN(v) ? (byte)0 : (byte)v;
        }
    }

    /// <summary>min(max(255·x, 0), 255) truncated; <c>maxps</c> with 0 second turns NaN into 0.</summary>
    private static Vector256<int> Truncated(Vector256<float> x, Vector256<float> scale, Vector256<float> max) =>
        Avx.ConvertToVector256Int32WithTruncation(Avx.Min(Avx.Max(Avx.Multiply(x, scale), Vector256<float>.Zero), max));

    /// <summary><c>np.array(img).astype(np.float32) / 255.0</c> (a true division, as numpy does).</summary>
    public static unsafe void ToFloats(ReadOnlySpan<byte> bytes, Span<float> values)
    {
        if (values.Length < bytes.Length) throw new ArgumentException("The float buffer is too small.", nameof(values));
        var i = 0;
        if (Avx2.IsSupported)
        {
            fixed (byte* src = bytes)
            fixed (float* dst = values)
            {
                var divisor = Vector256.Create(255f);
                for (; i + 16 <= bytes.Length; i += 16)
                {
                    Avx.Store(dst + i, Avx.Divide(Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(src + i)), divisor));
                    Avx.Store(dst + i + 8, Avx.Divide(Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(src + i + 8)), divisor));
                }
            }
        }
        for (; i < bytes.Length; i++) values[i] = bytes[i] / 255f;
    }

    /// <summary>The RGB channels of RGBA pixels as floats in 0..1: <see cref="RgbaToRgb(ReadOnlySpan{byte}, Span{byte})"/> then
    /// <see cref="ToFloats"/>, a block at a time through a buffer that stays in the L1 cache.</summary>
    public static void RgbaToRgbFloats(ReadOnlySpan<byte> rgba, Span<float> rgb)
    {
        const int BlockPixels = 1024;
        var n = rgba.Length / 4;
        if (rgb.Length < n * 3) throw new ArgumentException("The float buffer is too small.", nameof(rgb));
        Span<byte> block = stackalloc byte[BlockPixels * 3];
        for (var p = 0; p < n; p += BlockPixels)
        {
            var count = Math.Min(BlockPixels, n - p);
            var bytes = block[..(count * 3)];
            RgbaToRgb(rgba.Slice(p * 4, count * 4), bytes);
            ToFloats(bytes, rgb.Slice(p * 3, count * 3));
        }
    }

    public static byte[] RgbToRgba(ReadOnlySpan<byte> rgb)
    {
        var rgba = new byte[rgb.Length / 3 * 4];
        RgbToRgba(rgb, rgba);
        return rgba;
    }

    /// <summary>RGB pixels with alpha 255 added.</summary>
    public static unsafe void RgbToRgba(ReadOnlySpan<byte> rgb, Span<byte> rgba)
    {
        var n = rgb.Length / 3;
        if (rgba.Length < n * 4) throw new ArgumentException("The RGBA buffer is too small.", nameof(rgba));
        var p = 0;
        if (Ssse3.IsSupported)
        {
            fixed (byte* src = rgb)
            fixed (byte* dst = rgba)
            {
                var spread = Vector128.Create((byte)0, 1, 2, 0x80, 3, 4, 5, 0x80, 6, 7, 8, 0x80, 9, 10, 11, 0x80);
                var alpha = Vector128.Create(0xFF000000u).AsByte();
                // 16 bytes are read for 4 pixels (12 bytes): stop while 4 bytes of the source are still ahead.
                for (; p + 4 <= n && p * 3 + 16 <= rgb.Length; p += 4)
                {
                    Sse2.Store(dst + p * 4, Sse2.Or(Ssse3.Shuffle(Sse2.LoadVector128(src + p * 3), spread), alpha));
                }
            }
        }
        for (; p < n; p++)
        {
            rgba[p * 4] = rgb[p * 3];
            rgba[p * 4 + 1] = rgb[p * 3 + 1];
            rgba[p * 4 + 2] = rgb[p * 3 + 2];
            rgba[p * 4 + 3] = 255;
        }
    }

    /// <summary>The RGB channels of RGBA pixels.</summary>
    public static byte[] RgbaToRgb(ReadOnlySpan<byte> rgba)
    {
        var rgb = new byte[rgba.Length / 4 * 3];
        RgbaToRgb(rgba, rgb);
        return rgb;
    }

    /// <summary>The RGB channels of RGBA pixels.</summary>
    public static unsafe void RgbaToRgb(ReadOnlySpan<byte> rgba, Span<byte> rgb)
    {
        var n = rgba.Length / 4;
        if (rgb.Length < n * 3) throw new ArgumentException("The RGB buffer is too small.", nameof(rgb));
        var p = 0;
        if (Ssse3.IsSupported)
        {
            fixed (byte* src = rgba)
            fixed (byte* dst = rgb)
            {
                var pack = Vector128.Create((byte)0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 0x80, 0x80, 0x80, 0x80);
                // Each store writes 16 bytes for 12: the last 4 are overwritten by the next store; stop while they still fit.
                for (; p + 4 <= n && p * 3 + 16 <= rgb.Length; p += 4)
                {
                    Sse2.Store(dst + p * 3, Ssse3.Shuffle(Sse2.LoadVector128(src + p * 4), pack));
                }
            }
        }
        for (; p < n; p++)
        {
            rgb[p * 3] = rgba[p * 4];
            rgb[p * 3 + 1] = rgba[p * 4 + 1];
            rgb[p * 3 + 2] = rgba[p * 4 + 2];
        }
    }
}
