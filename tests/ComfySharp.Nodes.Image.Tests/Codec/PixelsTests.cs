using ComfySharp.Nodes.Image.Codec;

namespace ComfySharp.Nodes.Image.Tests.Codec;

/// <summary>The SIMD conversions against numpy's rules written out one element at a time, on every length up to a few blocks.</summary>
public sealed class PixelsTests
{
    [Fact]
    public void Floats_become_bytes_as_numpy_clips_and_truncates_them()
    {
        var rng = new Random(5);
        float[] special = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0f, 1f, 1.0001f, 0.99999f, 0.5f / 255, 254.5f / 255, -1e-9f];
        for (var n = 0; n <= 100; n++)
        {
            var values = new float[n];
            for (var i = 0; i < n; i++) values[i] = i % 4 == 0 ? special[rng.Next(special.Length)] : rng.NextSingle() * 1.4f - 0.2f;
            var bytes = new byte[n];
            Pixels.ToBytes(values, bytes);
            for (var i = 0; i < n; i++)
            {
                var v = values[i] * 255f;
                var expected = float.IsNaN(v) ? (byte)0 : (byte)Math.Clamp(v, 0f, 255f);
                Assert.True(expected == bytes[i], $"n={n} i={i}: {values[i]} -> {bytes[i]}, expected {expected}");
            }
        }
    }

    [Fact]
    public void Bytes_become_floats_divided_by_255_and_rgba_loses_or_gains_its_alpha()
    {
        var rng = new Random(6);
        for (var n = 0; n <= 70; n++)
        {
            var rgba = new byte[n * 4];
            rng.NextBytes(rgba);
            var rgb = Pixels.RgbaToRgb(rgba);
            Assert.Equal(n * 3, rgb.Length);
            for (var p = 0; p < n; p++) Assert.Equal(rgba.AsSpan(p * 4, 3).ToArray(), rgb.AsSpan(p * 3, 3).ToArray());

            var back = Pixels.RgbToRgba(rgb);
            for (var p = 0; p < n; p++)
            {
                Assert.Equal(rgba.AsSpan(p * 4, 3).ToArray(), back.AsSpan(p * 4, 3).ToArray());
                Assert.Equal(255, back[p * 4 + 3]);
            }

            var floats = new float[n * 3];
            Pixels.RgbaToRgbFloats(rgba, floats);
            var direct = new float[n * 3];
            Pixels.ToFloats(rgb, direct);
            for (var i = 0; i < n * 3; i++)
            {
                Assert.Equal(rgb[i] / 255f, direct[i]);
                Assert.Equal(direct[i], floats[i]);
            }
        }
        var large = new byte[4 * 3000 + 4];
        rng.NextBytes(large);
        var expected = new float[3001 * 3];
        Pixels.ToFloats(Pixels.RgbaToRgb(large), expected);
        var actual = new float[3001 * 3];
        Pixels.RgbaToRgbFloats(large, actual);
        Assert.Equal(expected, actual);
    }
}
