using BenchmarkDotNet.Attributes;
using ComfySharp.Diffusion.Sampling;

namespace ComfySharp.Benchmarks;

/// <summary>
/// The samplers' own arithmetic for a 512×512 SD latent (1×4×64×64) over 20 karras steps, with a denoiser that costs
/// next to nothing (one scaled copy), so the figure is the per-prompt overhead the sampler adds to the UNet calls.
/// Divide by 20 for the per-step cost.
/// </summary>
[MemoryDiagnoser]
public class SamplerBenchmarks
{
    private const int Steps = 20;
    private static readonly int[] Shape = [1, 4, 64, 64];
    private readonly TrivialDenoiser _denoiser = new();
    private float[] _sigmas = [];
    private float[] _noise = [];
    private float[] _x = [];

    [Params("euler", "dpmpp_2m", "dpmpp_sde", "uni_pc")]
    public string Sampler { get; set; } = "euler";

    [GlobalSetup]
    public void Setup()
    {
        _sigmas = SigmaPlanning.ForKSampler(ModelSamplingDiscrete.StableDiffusion1, "karras", Sampler, Steps, 1.0);
        _noise = InitialNoise.Prepare(1, Shape);
        _x = new float[_noise.Length];
    }

    [Benchmark]
    public async Task<float> Sample20Steps()
    {
        ModelSamplingDiscrete.NoiseScaling(_sigmas[0], _noise, [], _x, maxDenoise: true);
        var result = await Samplers.SampleAsync(Sampler, _denoiser, _x, Shape, _sigmas, 1, null, null, CancellationToken.None);
        return result[0];
    }

    private sealed class TrivialDenoiser : IDenoiser
    {
        public ValueTask DenoiseAsync(ReadOnlyMemory<float> x, float sigma, Memory<float> denoised, CancellationToken ct)
        {
            var scale = 1 / (1 + sigma * sigma);
            var input = x.Span;
            var output = denoised.Span;
            for (var i = 0; i < input.Length; i++) output[i] = input[i] * scale;
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>torch.randn-exact initial noise for a 1×4×64×64 latent.</summary>
[MemoryDiagnoser]
public class NoiseBenchmarks
{
    [Benchmark]
    public float[] InitialNoise512() => InitialNoise.Prepare(42, [1, 4, 64, 64]);
}
