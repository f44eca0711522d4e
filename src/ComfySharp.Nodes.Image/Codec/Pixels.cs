using System.Numerics.Tensors;

namespace ComfySharp.Nodes.Image.Codec;

/// <summary>Conversions between 8-bit pixels and ComfyUI's float values, with numpy's rounding.</summary>
public static class Pixels
{
    /// <summary><c>np.clip(255. * x, 0, 255).astype(np.uint8)</c>: scaled, clipped, truncated.</summary>
    public static void ToBytes(ReadOnlySpan<float> values, Span<byte> bytes)
    {
        var scaled = new float[values.Length];
        TensorPrimitives.Multiply(values, 255f, scaled);
        TensorPrimitives.Max(scaled, 0f, scaled);
        TensorPrimitives.Min(scaled, 255f, scaled);
        for (var i = 0; i < scaled.Length; i++)
        {
            var v = scaled[i];
            bytes[i] = float.IsNaN(v) ? (byte)0 : (byte)v;
        }
    }

    /// <summary><c>np.array(img).astype(np.float32) / 255.0</c>.</summary>
    public static void ToFloats(ReadOnlySpan<byte> bytes, Span<float> values)
    {
        TensorPrimitives.ConvertTruncating(bytes, values);
        TensorPrimitives.Divide(values, 255f, values);
    }

    public static byte[] RgbToRgba(ReadOnlySpan<byte> rgb)
    {
        var n = rgb.Length / 3;
        var rgba = new byte[n * 4];
        for (var i = 0; i < n; i++)
        {
            rgba[i * 4] = rgb[i * 3];
            rgba[i * 4 + 1] = rgb[i * 3 + 1];
            rgba[i * 4 + 2] = rgb[i * 3 + 2];
            rgba[i * 4 + 3] = 255;
        }
        return rgba;
    }

    /// <summary>The RGB channels of RGBA pixels.</summary>
    public static byte[] RgbaToRgb(ReadOnlySpan<byte> rgba)
    {
        var n = rgba.Length / 4;
        var rgb = new byte[n * 3];
        for (var i = 0; i < n; i++)
        {
            rgb[i * 3] = rgba[i * 4];
            rgb[i * 3 + 1] = rgba[i * 4 + 1];
            rgb[i * 3 + 2] = rgba[i * 4 + 2];
        }
        return rgb;
    }
}
