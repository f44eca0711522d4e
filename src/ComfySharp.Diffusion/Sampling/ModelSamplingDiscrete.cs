namespace ComfySharp.Diffusion.Sampling;

/// <summary>
/// ComfyUI's <c>ModelSamplingDiscrete</c> for SD 1.x eps-prediction models: the 1000-step scaled-linear beta schedule
/// (linear_start 0.00085, linear_end 0.012), its sigma table (float32, as ComfyUI keeps it), the timestep↔sigma
/// conversions and the eps parameterisation helpers the model side wraps the UNet with.
/// </summary>
public sealed class ModelSamplingDiscrete
{
    private readonly float[] _sigmas;
    private readonly float[] _logSigmas;

    /// <summary>The SD 1.x schedule.</summary>
    public static ModelSamplingDiscrete StableDiffusion1 { get; } = new(1000, 0.00085, 0.012);

    /// <summary>Builds the scaled-linear schedule: betas = linspace(√start, √end, steps)², ᾱ = Π(1 − β), σ = √((1 − ᾱ)/ᾱ).</summary>
    public ModelSamplingDiscrete(int timesteps, double linearStart, double linearEnd)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timesteps, 2);
        _sigmas = new float[timesteps];
        _logSigmas = new float[timesteps];
        var cumulative = 1.0;
        var a = Math.Sqrt(linearStart);
        var b = Math.Sqrt(linearEnd);
        for (var i = 0; i < timesteps; i++)
        {
            var root = Linspace(a, b, timesteps, i);
            cumulative *= 1 - root * root;
            var sigma = Math.Sqrt((1 - cumulative) / cumulative);
            _sigmas[i] = (float)sigma;
            _logSigmas[i] = (float)Math.Log(sigma);
        }
    }

    /// <summary>The sigma of every discrete timestep, ascending (index = timestep).</summary>
    public ReadOnlySpan<float> Sigmas => _sigmas;

    /// <summary>The smallest sigma (timestep 0).</summary>
    public float SigmaMin => _sigmas[0];

    /// <summary>The largest sigma (the last timestep); ~14.6146 for SD 1.x.</summary>
    public float SigmaMax => _sigmas[^1];

    /// <summary>The timestep whose log-sigma is nearest (ComfyUI returns the nearest index, not an interpolation).</summary>
    public int Timestep(double sigma)
    {
        var logSigma = (float)Math.Log(sigma);
        var best = 0;
        var bestDistance = float.PositiveInfinity;
        for (var i = 0; i < _logSigmas.Length; i++)
        {
            var distance = MathF.Abs(logSigma - _logSigmas[i]);
            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = i;
            }
        }
        return best;
    }

    /// <summary>The sigma at a fractional timestep: clamped to the table, log-sigma interpolated linearly (float32).</summary>
    public float Sigma(double timestep)
    {
        var t = (float)Math.Clamp(timestep, 0, _sigmas.Length - 1);
        var low = (int)MathF.Floor(t);
        var high = (int)MathF.Ceiling(t);
        var w = t - MathF.Floor(t);
        return MathF.Exp((1 - w) * _logSigmas[low] + w * _logSigmas[high]);
    }

    /// <summary>ComfyUI's percent_to_sigma: 0 % → a huge sigma (before everything), 100 % → 0, otherwise σ((1 − p)·999).</summary>
    public double PercentToSigma(double percent)
    {
        if (percent <= 0) return 999999999.9;
        if (percent >= 1) return 0;
        return Sigma((float)(1 - percent) * 999f);
    }

    /// <summary>
    /// The starting latents: <c>latent + noise·σ</c>, or <c>latent + noise·√(1 + σ²)</c> with <paramref name="maxDenoise"/>
    /// (KSampler's choice when the first sigma is at or beyond <see cref="SigmaMax"/>, see <see cref="IsMaxDenoise"/>).
    /// <paramref name="latent"/> may be empty (pure noise); the result is written into <paramref name="destination"/>.
    /// </summary>
    public static void NoiseScaling(double sigma, ReadOnlySpan<float> noise, ReadOnlySpan<float> latent, Span<float> destination, bool maxDenoise)
    {
        var scale = (float)(maxDenoise ? Math.Sqrt(1 + sigma * sigma) : sigma);
        for (var i = 0; i < destination.Length; i++) destination[i] = noise[i] * scale + (latent.IsEmpty ? 0 : latent[i]);
    }

    /// <summary>The final latents from the sampler's output; the identity for eps models.</summary>
    public static void InverseNoiseScaling(Span<float> latent)
    {
    }

    /// <summary>KSampler's max_denoise: the schedule starts at (within 1e-5 relative) or above <see cref="SigmaMax"/>.</summary>
    public bool IsMaxDenoise(ReadOnlySpan<float> sigmas)
    {
        if (sigmas.IsEmpty) return false;
        double max = SigmaMax;
        double first = sigmas[0];
        return Math.Abs(max - first) <= 1e-5 * Math.Max(Math.Abs(max), Math.Abs(first)) || first > max;
    }

    /// <summary>The eps model's input scale c_in = 1/√(σ² + 1): the UNet sees <c>x·c_in</c>.</summary>
    public static float InputScale(double sigma) => (float)(1 / Math.Sqrt(sigma * sigma + 1));

    /// <summary>The eps model's output: <c>denoised = x − σ·eps</c>, written into <paramref name="denoised"/> (may alias eps).</summary>
    public static void Denoised(double sigma, ReadOnlySpan<float> x, ReadOnlySpan<float> eps, Span<float> denoised)
    {
        var s = (float)sigma;
        for (var i = 0; i < x.Length; i++) denoised[i] = x[i] - eps[i] * s;
    }

    private static double Linspace(double start, double end, int count, int i)
    {
        // torch.linspace in float64: the first half counts up from start, the second down from end.
        var step = (end - start) / (count - 1);
        return i < count / 2 ? start + step * i : end - step * (count - 1 - i);
    }
}
