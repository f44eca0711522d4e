using ComfySharp.Diffusion.Sampling;
using ComfySharp.Diffusion.Tests.Infrastructure;
using ComfySharp.Nodes.Diffusion.Sampling;

namespace ComfySharp.Nodes.Diffusion.Tests.Sampling;

/// <summary>
/// The noise that keeps the unmasked area of an inpainting run noised (ComfyUI's <c>KSAMPLER.sample</c>): the initial noise,
/// except for ddim, whose "random" inpaint option draws <c>torch.randn</c> of the latent's shape after <c>manual_seed(seed + 1)</c>.
/// </summary>
public sealed class InpaintNoiseTests : IDisposable
{
    private static readonly int[] Shape = [2, 4, 3, 5];
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private float[] TorchRandn(ulong seed)
    {
        var ct = TestContext.Current.CancellationToken;
        return TorchReference.Run("randn", "-", new() { ["unused"] = ([1], [0f]) }, new { seed, shape = Shape }, _temp.Path, ct)["noise"];
    }

    [Fact]
    public void Ddim_keeps_the_unmasked_area_noised_with_torch_randn_of_the_seed_plus_one()
    {
        const ulong seed = 156680208700286;
        var initial = InitialNoise.Prepare(seed, Shape, [3, 1]);
        var ddim = SamplingRun.InpaintNoise("ddim", seed, Shape, initial);
        Assert.Equal(TorchRandn(seed + 1), ddim);

        // Every other sampler re-noises with the initial noise itself (batch_index draws included).
        Assert.Same(initial, SamplingRun.InpaintNoise("euler", seed, Shape, initial));
        Assert.Same(initial, SamplingRun.InpaintNoise("dpmpp_2m", seed, Shape, initial));
    }

    [Fact]
    public void The_largest_seed_wraps_to_zero_instead_of_failing()
    {
        // torch.manual_seed(2^64) raises in ComfyUI, failing the prompt; a seed at the top of the range still inpaints here.
        Assert.Equal(TorchRandn(0), SamplingRun.InpaintNoise("ddim", ulong.MaxValue, Shape, new float[2 * 4 * 3 * 5]));
    }

    [Fact]
    public async Task The_inpaint_denoiser_blends_the_kept_area_noised_to_sigma_and_restores_it_after_the_model()
    {
        var ct = TestContext.Current.CancellationToken;
        float[] latent = [1f, 2f, 3f, 4f];
        float[] noise = [0.5f, -0.5f, 0.25f, -1f];
        float[] mask = [1f, 0f, 0.5f, 0f];
        var inner = new RecordingDenoiser();
        var denoiser = new InpaintDenoiser(inner, latent, noise, mask);
        float[] x = [10f, 20f, 30f, 40f];
        var denoised = new float[4];
        await denoiser.DenoiseAsync(x, 2f, denoised, ct);

        Assert.Equal([10f, 2f + (-0.5f * 2f), (30f * 0.5f) + ((3f + (0.25f * 2f)) * 0.5f), 4f + (-1f * 2f)], inner.Seen);
        // The recorder's estimate is x / 2; kept positions get the original latent back.
        Assert.Equal([inner.Seen[0] / 2f, 2f, (inner.Seen[2] / 2f * 0.5f) + (3f * 0.5f), 4f], denoised);
    }

    private sealed class RecordingDenoiser : IDenoiser
    {
        public float[] Seen { get; private set; } = [];

        public ValueTask DenoiseAsync(ReadOnlyMemory<float> x, float sigma, Memory<float> denoised, CancellationToken ct)
        {
            Seen = x.ToArray();
            for (var i = 0; i < Seen.Length; i++) denoised.Span[i] = Seen[i] / 2f;
            return ValueTask.CompletedTask;
        }
    }
}
