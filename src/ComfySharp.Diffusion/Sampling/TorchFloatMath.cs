namespace ComfySharp.Diffusion.Sampling;

/// <summary>
/// The single-precision log and sin/cos PyTorch's AVX2 <c>randn</c> kernel uses (cephes polynomials evaluated in float,
/// Pommier's vector port). Reimplemented step by step in float so the normals come out with the same bits; the
/// accuracy is ~1 ulp, the point is agreement, not precision. The fused multiply-adds are where GCC contracts the
/// kernel's separate vector multiply and add (the shipped binaries are built with FMA on); rounding once there is what
/// makes the last bit agree.
/// </summary>
internal static class TorchFloatMath
{
    private const float SqrtHalf = 0.707106781186547524f;
    private const float FourOverPi = 1.27323954473516f;

    public static float Log(float x)
    {
        if (x <= 0) return float.NaN;
        x = MathF.Max(x, BitConverter.Int32BitsToSingle(0x00800000));
        var bits = BitConverter.SingleToInt32Bits(x);
        var e = (float)((bits >>> 23) - 0x7f);
        x = BitConverter.Int32BitsToSingle((bits & ~0x7f800000) | BitConverter.SingleToInt32Bits(0.5f));
        e += 1f;
        if (x < SqrtHalf)
        {
            e -= 1f;
            x = x - 1f + x;
        }
        else
        {
            x -= 1f;
        }
        var z = x * x;
        var y = 7.0376836292E-2f;
        y = MathF.FusedMultiplyAdd(y, x, -1.1514610310E-1f);
        y = MathF.FusedMultiplyAdd(y, x, 1.1676998740E-1f);
        y = MathF.FusedMultiplyAdd(y, x, -1.2420140846E-1f);
        y = MathF.FusedMultiplyAdd(y, x, 1.4249322787E-1f);
        y = MathF.FusedMultiplyAdd(y, x, -1.6668057665E-1f);
        y = MathF.FusedMultiplyAdd(y, x, 2.0000714765E-1f);
        y = MathF.FusedMultiplyAdd(y, x, -2.4999993993E-1f);
        y = MathF.FusedMultiplyAdd(y, x, 3.3333331174E-1f);
        y *= x;
        y = MathF.FusedMultiplyAdd(y, z, e * -2.12194440e-4f);
        y -= z * 0.5f;
        x = MathF.FusedMultiplyAdd(e, 0.693359375f, x + y);
        return x;
    }

    public static void SinCos(float x, out float sin, out float cos)
    {
        var sinNegative = x < 0;
        x = MathF.Abs(x);
        var j = ((int)(x * FourOverPi) + 1) & ~1;
        var y = (float)j;
        if ((j & 4) != 0) sinNegative = !sinNegative;
        var cosNegative = ((j - 2) & 4) == 0;
        var useSinPolynomial = (j & 2) == 0;

        x = MathF.FusedMultiplyAdd(y, -0.78515625f, x);
        x = MathF.FusedMultiplyAdd(y, -2.4187564849853515625e-4f, x);
        x = MathF.FusedMultiplyAdd(y, -3.77489497744594108e-8f, x);

        var z = x * x;
        var c = 2.443315711809948E-005f;
        c = MathF.FusedMultiplyAdd(c, z, -1.388731625493765E-003f);
        c = MathF.FusedMultiplyAdd(c, z, 4.166664568298827E-002f);
        c *= z;
        c = MathF.FusedMultiplyAdd(c, z, -(z * 0.5f));
        c += 1f;

        var s = -1.9515295891E-4f;
        s = MathF.FusedMultiplyAdd(s, z, 8.3321608736E-3f);
        s = MathF.FusedMultiplyAdd(s, z, -1.6666654611E-1f);
        s *= z;
        s = MathF.FusedMultiplyAdd(s, x, x);

        var sinValue = useSinPolynomial ? s : c;
        var cosValue = useSinPolynomial ? c : s;
        sin = sinNegative ? -sinValue : sinValue;
        cos = cosNegative ? -cosValue : cosValue;
    }
}
