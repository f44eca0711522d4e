namespace ComfySharp.Diffusion.Sampling;

/// <summary>One sampling run: the denoiser, the sigmas, the noise, the callback and the buffers the steps share.</summary>
internal sealed class SamplerRun(IDenoiser denoiser, float[] x, float[] sigmas, ulong seed, SamplerOptions options, Action<SamplerStep>? callback,
    CancellationToken ct)
{
    private NoiseSource? _noise;

    public float[] X { get; } = x;

    public float[] Sigmas { get; } = sigmas;

    public int Steps => Sigmas.Length - 1;

    public SamplerOptions Options { get; } = options;

    public CancellationToken CancellationToken => ct;

    public float[] NewBuffer() => new float[X.Length];

    /// <summary>The model's denoised estimate of <paramref name="input"/> at <paramref name="sigma"/>; cancellation is checked first.</summary>
    public ValueTask DenoiseAsync(float[] input, double sigma, float[] denoised)
    {
        ct.ThrowIfCancellationRequested();
        return denoiser.DenoiseAsync(input, (float)sigma, denoised, ct);
    }

    public void Report(int index, float[] denoised, int? total = null) =>
        callback?.Invoke(new SamplerStep(index, total ?? Steps, Sigmas[index], X, denoised));

    /// <summary>ComfyUI's default noise sampler: a generator seeded with the seed, one randn per call.</summary>
    public NoiseSource GeneratorNoise => _noise ??= new NoiseSource.Generator(seed);

    /// <summary>ComfyUI's BrownianTreeNoiseSampler over [min positive sigma, max sigma].</summary>
    public NoiseSource BrownianNoise
    {
        get
        {
            if (_noise is not null) return _noise;
            double min = double.PositiveInfinity, max = 0;
            foreach (var s in Sigmas)
            {
                if (s > 0) min = Math.Min(min, s);
                max = Math.Max(max, s);
            }
            return _noise = new NoiseSource.Brownian(X.Length, double.IsPositiveInfinity(min) ? 0 : min, max, seed);
        }
    }

    /// <summary>X += noise(σ → σnext)·scale; always draws (even for a zero scale), as ComfyUI does, so later draws stay aligned.</summary>
    public void AddNoise(NoiseSource source, double sigma, double sigmaNext, double scale, float[] scratch)
    {
        source.Next(sigma, sigmaNext, scratch);
        Lanes.AddScaled(X, scratch, scale);
    }
}
