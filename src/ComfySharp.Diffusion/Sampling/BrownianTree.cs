namespace ComfySharp.Diffusion.Sampling;

/// <summary>
/// One Brownian path W(t) on [t0, t1] (W(t0) = 0), per element, fixed by a seed and queryable at any t in any order.
/// W(t1) is drawn first; W at an interval's midpoint is the Brownian bridge draw (mean of the ends, variance a quarter of
/// the width) with normals seeded by the node's position in the binary tree, so every query walks the same tree and
/// sees the same values. Below <see cref="Depth"/> halvings the path is interpolated linearly (the missing detail has a
/// standard deviation of √(width/4) ≈ 1.2e-4·√(t1 − t0)). The last few queried points are cached: samplers ask for
/// neighbouring times.
/// </summary>
internal sealed class BrownianTree
{
    private const int Depth = 24;
    private const int CacheSize = 4;
    private readonly int _length;
    private readonly double _t0;
    private readonly double _t1;
    private readonly ulong _seed;
    private readonly float[] _end;
    private readonly (double T, float[] W)[] _cache = new (double, float[])[CacheSize];
    private int _cacheNext;
    private float[]? _a;
    private float[]? _b;
    private float[]? _normals;

    public BrownianTree(int length, double t0, double t1, ulong seed)
    {
        if (!(t1 > t0)) (t0, t1) = (Math.Min(t0, t1), Math.Max(t0, t1) + 1e-12);
        _length = length;
        _t0 = t0;
        _t1 = t1;
        _seed = seed;
        _end = new float[length];
        Normals(0, 0, _end);
        Lanes.Combine(_end, _end, Math.Sqrt(t1 - t0), _end, 0);
    }

    /// <summary>Writes W(t) (t clamped to the tree's interval).</summary>
    public void Value(double t, Span<float> destination)
    {
        t = Math.Clamp(t, _t0, _t1);
        foreach (var (cachedT, w) in _cache)
        {
            if (w is not null && cachedT == t)
            {
                w.CopyTo(destination);
                return;
            }
        }
        Walk(t, destination);
        var slot = _cache[_cacheNext].W ?? new float[_length];
        destination.CopyTo(slot);
        _cache[_cacheNext] = (t, slot);
        _cacheNext = (_cacheNext + 1) % CacheSize;
    }

    private void Walk(double t, Span<float> destination)
    {
        var a = _a ??= new float[_length];
        var b = _b ??= new float[_length];
        var normals = _normals ??= new float[_length];
        Array.Clear(a);
        _end.CopyTo(b);
        double lo = _t0, hi = _t1;
        ulong index = 0;
        for (var level = 1; level <= Depth; level++)
        {
            if (t == lo)
            {
                a.CopyTo(destination);
                return;
            }
            if (t == hi)
            {
                b.CopyTo(destination);
                return;
            }
            var mid = 0.5 * (lo + hi);
            Normals(level, index, normals);
            // W(mid) = (W(lo) + W(hi))/2 + √((hi − lo)/4)·z, stored over whichever end t does not need.
            var goLeft = t < mid;
            var target = goLeft ? b : a;
            Lanes.Combine(target, a, 0.5, b, 0.5, normals, Math.Sqrt((hi - lo) / 4));
            if (goLeft)
            {
                hi = mid;
                index *= 2;
            }
            else
            {
                lo = mid;
                index = index * 2 + 1;
            }
        }
        var w = (t - lo) / (hi - lo);
        Lanes.Combine(destination, a, 1 - w, b, w);
    }

    private void Normals(int level, ulong index, Span<float> destination)
    {
        var key = SplitMix(_seed ^ SplitMix(((ulong)level << 56) ^ index));
        new TorchGenerator(key).FillNormal(destination);
    }

    private static ulong SplitMix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
