using System.Numerics;

namespace ComfySharp.Diffusion.Sampling;

/// <summary>The element-wise linear combinations the samplers are made of, vectorised.</summary>
internal static class Lanes
{
    /// <summary>destination = a·ca + b·cb (destination may alias a or b).</summary>
    public static void Combine(Span<float> destination, ReadOnlySpan<float> a, double ca, ReadOnlySpan<float> b, double cb)
    {
        float fa = (float)ca, fb = (float)cb;
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var va = new Vector<float>(fa);
            var vb = new Vector<float>(fb);
            for (; i <= destination.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                (new Vector<float>(a[i..]) * va + new Vector<float>(b[i..]) * vb).CopyTo(destination[i..]);
            }
        }
        for (; i < destination.Length; i++) destination[i] = a[i] * fa + b[i] * fb;
    }

    /// <summary>destination = a·ca + b·cb + c·cc (destination may alias any input).</summary>
    public static void Combine(Span<float> destination, ReadOnlySpan<float> a, double ca, ReadOnlySpan<float> b, double cb, ReadOnlySpan<float> c, double cc)
    {
        float fa = (float)ca, fb = (float)cb, fc = (float)cc;
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var va = new Vector<float>(fa);
            var vb = new Vector<float>(fb);
            var vc = new Vector<float>(fc);
            for (; i <= destination.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                (new Vector<float>(a[i..]) * va + new Vector<float>(b[i..]) * vb + new Vector<float>(c[i..]) * vc).CopyTo(destination[i..]);
            }
        }
        for (; i < destination.Length; i++) destination[i] = a[i] * fa + b[i] * fb + c[i] * fc;
    }

    /// <summary>destination += a·ca.</summary>
    public static void AddScaled(Span<float> destination, ReadOnlySpan<float> a, double ca) => Combine(destination, destination, 1, a, ca);
}
