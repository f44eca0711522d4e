using ComfySharp.Diffusion.Sampling;

namespace ComfySharp.Diffusion.Tests.Sampling;

/// <summary>
/// The exact denoiser for data ~ N(mu, s²) per element: D(x, σ) = mu + s²/(s² + σ²)·(x − mu). Under it the
/// probability-flow ODE keeps (x − mu)/√(s² + σ²) constant, so every deterministic sampler has a closed-form target.
/// Counts calls and can cancel a token after a given number of them.
/// </summary>
internal sealed class GaussianDenoiser(double mu, double s) : IDenoiser
{
    public int Calls { get; private set; }

    public List<float> SigmasSeen { get; } = [];

    public CancellationTokenSource? CancelAfterSource { get; init; }

    public int CancelAfter { get; init; } = int.MaxValue;

    public ValueTask DenoiseAsync(ReadOnlyMemory<float> x, float sigma, Memory<float> denoised, CancellationToken ct)
    {
        Calls++;
        SigmasSeen.Add(sigma);
        var k = (float)(s * s / (s * s + (double)sigma * sigma));
        var input = x.Span;
        var output = denoised.Span;
        for (var i = 0; i < input.Length; i++) output[i] = (float)mu + k * (input[i] - (float)mu);
        if (Calls >= CancelAfter) CancelAfterSource?.Cancel();
        return ValueTask.CompletedTask;
    }

    /// <summary>Where the exact ODE takes <paramref name="x"/> from σ = <paramref name="from"/> to σ = <paramref name="to"/>.</summary>
    public double OdeSolution(double x, double from, double to) => mu + (x - mu) * Math.Sqrt(s * s + to * to) / Math.Sqrt(s * s + from * from);
}
