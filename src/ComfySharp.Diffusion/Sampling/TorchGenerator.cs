namespace ComfySharp.Diffusion.Sampling;

/// <summary>
/// PyTorch's CPU random generator, bit for bit: <c>torch.Generator().manual_seed(seed)</c> followed by
/// <c>torch.randn(shape, generator=g)</c> calls (float32, contiguous) give exactly the same numbers here, which is what
/// makes a ComfyUI seed reproduce the same image. Not thread-safe; one generator per sampling run.
/// </summary>
/// <remarks>
/// PyTorch's engine is a 32-bit Mersenne Twister seeded with the low 32 bits of the seed. <c>randn</c> has two paths:
/// tensors of 16 elements or more are first filled with uniforms (24-bit, one draw each), then normalised in blocks of
/// 16 by an 8-wide Box–Muller (AVX2 kernel with cephes-style float log/sincos: u1 = 1 − first eight, u2 = second eight,
/// cos into the first half, sin into the second); when the size is not a multiple of 16 the last 16 positions are
/// refilled with fresh uniforms and transformed again. Smaller tensors draw double-precision normals one at a time
/// (53-bit uniforms from two draws each), and the sine half of each pair is cached in the generator for the next
/// element, across calls.
/// </remarks>
public sealed class TorchGenerator
{
    private const int StateSize = 624;
    private const int Shift = 397;
    private readonly uint[] _state = new uint[StateSize];
    private int _left;
    private int _next;
    private double? _cachedNormal;

    /// <summary>A generator in the state <c>manual_seed(seed)</c> leaves.</summary>
    public TorchGenerator(ulong seed) => ManualSeed(seed);

    /// <summary>Re-seeds (<c>manual_seed</c>): the engine restarts and the cached normal is dropped.</summary>
    public void ManualSeed(ulong seed)
    {
        _state[0] = (uint)seed;
        for (var j = 1; j < StateSize; j++)
        {
            _state[j] = 1812433253u * (_state[j - 1] ^ (_state[j - 1] >> 30)) + (uint)j;
        }
        _left = 1;
        _next = 0;
        _cachedNormal = null;
    }

    /// <summary>The next raw 32-bit draw of the Mersenne Twister.</summary>
    public uint NextUInt32()
    {
        if (--_left <= 0) Twist();
        var y = _state[_next++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        return y;
    }

    /// <summary>Fills <paramref name="destination"/> like <c>torch.randn</c> of that many float32 elements.</summary>
    public void FillNormal(Span<float> destination)
    {
        if (destination.Length >= 16)
        {
            FillVectorized(destination);
            return;
        }
        for (var i = 0; i < destination.Length; i++) destination[i] = (float)NextDoubleNormal();
    }

    /// <summary>A new array filled like <c>torch.randn(count)</c>.</summary>
    public float[] Normal(int count)
    {
        var values = new float[count];
        FillNormal(values);
        return values;
    }

    private void FillVectorized(Span<float> data)
    {
        for (var i = 0; i < data.Length; i++) data[i] = NextUniformFloat();
        for (var i = 0; i + 16 <= data.Length; i += 16) BoxMuller16(data.Slice(i, 16));
        if (data.Length % 16 != 0)
        {
            var tail = data[^16..];
            for (var i = 0; i < 16; i++) tail[i] = NextUniformFloat();
            BoxMuller16(tail);
        }
    }

    private static void BoxMuller16(Span<float> block)
    {
        const float twoPi = (float)(2.0 * Math.PI);
        for (var j = 0; j < 8; j++)
        {
            var u1 = 1f - block[j];
            var u2 = block[j + 8];
            var radius = MathF.Sqrt(-2f * TorchFloatMath.Log(u1));
            var theta = twoPi * u2;
            TorchFloatMath.SinCos(theta, out var sin, out var cos);
            block[j] = radius * cos;
            block[j + 8] = radius * sin;
        }
    }

    private double NextDoubleNormal()
    {
        if (_cachedNormal is { } cached)
        {
            _cachedNormal = null;
            return cached;
        }
        var u1 = NextUniformDouble();
        var u2 = NextUniformDouble();
        var r = Math.Sqrt(-2.0 * Math.Log(1.0 - u2));
        var theta = 2.0 * Math.PI * u1;
        _cachedNormal = r * Math.Sin(theta);
        return r * Math.Cos(theta);
    }

    private float NextUniformFloat() => (NextUInt32() & 0xFFFFFF) * (1f / (1 << 24));

    private double NextUniformDouble()
    {
        ulong hi = NextUInt32();
        ulong lo = NextUInt32();
        return (((hi << 32) | lo) & ((1UL << 53) - 1)) * (1.0 / (1UL << 53));
    }

    private void Twist()
    {
        _left = StateSize;
        _next = 0;
        var state = _state;
        for (var j = 0; j < StateSize; j++)
        {
            var y = (state[j] & 0x80000000u) | (state[j + 1 < StateSize ? j + 1 : 0] & 0x7fffffffu);
            var k = j + Shift < StateSize ? j + Shift : j + Shift - StateSize;
            state[j] = state[k] ^ (y >> 1) ^ (0u - (y & 1) & 0x9908b0dfu);
        }
    }
}
