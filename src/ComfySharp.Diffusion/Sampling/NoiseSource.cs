namespace ComfySharp.Diffusion.Sampling;

/// <summary>
/// Where a stochastic sampler's fresh noise comes from (k-diffusion's noise_sampler(sigma, sigma_next)): standard
/// normal values of the latent's size for the step from <c>sigma</c> to <c>sigmaNext</c>.
/// </summary>
internal abstract class NoiseSource
{
    public abstract void Next(double sigma, double sigmaNext, Span<float> destination);

    /// <summary>
    /// ComfyUI's default_noise_sampler: a CPU generator seeded with the sampler's seed, one <c>randn</c> of x's shape
    /// per call, in call order.
    /// </summary>
    public sealed class Generator(ulong seed) : NoiseSource
    {
        private readonly TorchGenerator _generator = new(seed);

        public override void Next(double sigma, double sigmaNext, Span<float> destination) => _generator.FillNormal(destination);
    }

    /// <summary>
    /// ComfyUI's BrownianTreeNoiseSampler: the increment of one fixed Brownian path between the two sigmas, divided by
    /// √|Δσ|. The path is ours (<see cref="BrownianTree"/>), not torchsde's, so the numbers differ from ComfyUI's while
    /// the distribution and the property that matters (re-querying any interval gives the same noise, whatever the
    /// step sizes) are the same.
    /// </summary>
    public sealed class Brownian(int length, double sigmaMin, double sigmaMax, ulong seed) : NoiseSource
    {
        private readonly BrownianTree _tree = new(length, sigmaMin, sigmaMax, seed);
        private float[]? _scratch;

        public override void Next(double sigma, double sigmaNext, Span<float> destination)
        {
            _scratch ??= new float[destination.Length];
            _tree.Value(sigma, destination);
            _tree.Value(sigmaNext, _scratch);
            var scale = 1 / Math.Sqrt(Math.Abs(sigmaNext - sigma));
            Lanes.Combine(destination, _scratch, scale, destination, -scale);
        }
    }
}
