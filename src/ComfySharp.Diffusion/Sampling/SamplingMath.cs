namespace ComfySharp.Diffusion.Sampling;

internal static class SamplingMath
{
    /// <summary>eˣ − 1 without the cancellation near 0 (Kahan's trick; .NET's ExpM1 is exp(x) − 1).</summary>
    public static double Expm1(double x)
    {
        var u = Math.Exp(x);
        if (u == 1) return x;
        var um1 = u - 1;
        if (um1 == -1) return -1;
        if (double.IsPositiveInfinity(u)) return u;
        return um1 * x / Math.Log(u);
    }
}
