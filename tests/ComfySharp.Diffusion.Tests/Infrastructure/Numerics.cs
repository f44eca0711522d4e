namespace ComfySharp.Diffusion.Tests.Infrastructure;

internal static class Numerics
{
    /// <summary>Every element within <paramref name="tolerance"/> × max(1, |expected|); reports the worst index.</summary>
    public static void AssertClose(float[] expected, float[] actual, float tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = -1;
        var worstError = 0f;
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.False(float.IsNaN(actual[i]), $"NaN at {i}");
            var error = MathF.Abs(expected[i] - actual[i]) / MathF.Max(1, MathF.Abs(expected[i]));
            if (error > worstError)
            {
                worstError = error;
                worst = i;
            }
        }
        Assert.True(worstError <= tolerance, $"element {worst}: expected {(worst >= 0 ? expected[worst] : 0)}, got {(worst >= 0 ? actual[worst] : 0)} (relative error {worstError}, tolerance {tolerance})");
    }
}
