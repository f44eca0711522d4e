using System.Text.Json;
using ComfySharp.Diffusion.Sampling;

namespace ComfySharp.Diffusion.Tests.Sampling;

/// <summary>The sigma table and schedulers against Fixtures/schedules.json (Fixtures/schedules.py, torch/numpy).</summary>
public sealed class SchedulerTests
{
    private static readonly JsonElement Fixture =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Sampling", "Fixtures", "schedules.json"))).RootElement;

    private static readonly ModelSamplingDiscrete Sd1 = ModelSamplingDiscrete.StableDiffusion1;

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var steps in Fixture.GetProperty("schedules").EnumerateObject())
        {
            foreach (var scheduler in steps.Value.EnumerateObject()) data.Add(scheduler.Name, int.Parse(steps.Name, System.Globalization.CultureInfo.InvariantCulture));
        }
        return data;
    }

    [Fact]
    public void Sigma_table_matches_the_scaled_linear_schedule()
    {
        var expected = Fixture.GetProperty("sigmas").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        Assert.Equal(expected, Sd1.Sigmas.ToArray());
        Assert.Equal(14.614641f, Sd1.SigmaMax, 5);
        Assert.Equal(0.0291672f, Sd1.SigmaMin, 6);
        foreach (var p in Fixture.GetProperty("sigma_at").EnumerateObject())
        {
            var t = double.Parse(p.Name, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(p.Value.GetSingle(), Sd1.Sigma(t), 5);
        }
    }

    [Fact]
    public void Timestep_is_the_nearest_index_and_percent_maps_like_comfyui()
    {
        Assert.Equal(999, Sd1.Timestep(Sd1.SigmaMax));
        Assert.Equal(0, Sd1.Timestep(Sd1.SigmaMin));
        Assert.Equal(500, Sd1.Timestep(Sd1.Sigmas[500] * 1.0001));
        Assert.Equal(999999999.9, Sd1.PercentToSigma(0));
        Assert.Equal(0, Sd1.PercentToSigma(1));
        Assert.Equal(Sd1.Sigma(499.5), Sd1.PercentToSigma(0.5), 6);
    }

    [Fact]
    public void Eps_helpers_and_noise_scaling()
    {
        Assert.Equal(1 / MathF.Sqrt(5), ModelSamplingDiscrete.InputScale(2), 6);
        var denoised = new float[2];
        ModelSamplingDiscrete.Denoised(2, [1f, 2f], [0.5f, -1f], denoised);
        Assert.Equal([0f, 4f], denoised);
        var noised = new float[2];
        ModelSamplingDiscrete.NoiseScaling(3, [1f, -1f], [0.5f, 0.5f], noised, maxDenoise: false);
        Assert.Equal([3.5f, -2.5f], noised);
        ModelSamplingDiscrete.NoiseScaling(3, [1f, -1f], [], noised, maxDenoise: true);
        Assert.Equal(MathF.Sqrt(10), noised[0], 6);
        Assert.True(Sd1.IsMaxDenoise([Sd1.SigmaMax, 0]));
        Assert.False(Sd1.IsMaxDenoise([Sd1.SigmaMax * 0.99f, 0]));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Scheduler_matches_the_reference(string scheduler, int steps)
    {
        var expected = Fixture.GetProperty("schedules").GetProperty(steps.ToString(System.Globalization.CultureInfo.InvariantCulture)).GetProperty(scheduler)
            .EnumerateArray().Select(e => e.GetSingle()).ToArray();
        var actual = Schedulers.Compute(scheduler, Sd1, steps);
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= 2e-6 * Math.Max(1, expected[i]), $"{scheduler} {steps}: [{i}] {expected[i]} vs {actual[i]}");
    }

    [Fact]
    public void Beta_scheduler_uses_the_beta_quantile()
    {
        // Closed forms: Beta(1,1) is uniform, Beta(2,2) has CDF 3x² − 2x³, Beta(½,½) has quantile sin²(πp/2).
        foreach (var p in (double[])[0.1, 0.3, 0.5, 0.77, 0.95])
        {
            Assert.Equal(p, BetaDistribution.Quantile(p, 1, 1), 12);
            var q = BetaDistribution.Quantile(p, 2, 2);
            Assert.Equal(p, 3 * q * q - 2 * q * q * q, 12);
            Assert.Equal(Math.Pow(Math.Sin(Math.PI * p / 2), 2), BetaDistribution.Quantile(p, 0.5, 0.5), 12);
            Assert.Equal(1 - BetaDistribution.Quantile(1 - p, 0.6, 0.6), BetaDistribution.Quantile(p, 0.6, 0.6), 12);
        }
        var sigmas = Schedulers.Compute("beta", Sd1, 10);
        Assert.Equal(11, sigmas.Length);
        Assert.Equal(Sd1.SigmaMax, sigmas[0]);
        Assert.Equal(0, sigmas[^1]);
        // p = 0.5 → timestep rint(499.5) = 500 (half to even, as numpy.rint)
        Assert.Equal(Sd1.Sigmas[500], sigmas[5]);
        for (var i = 1; i < sigmas.Length; i++) Assert.True(sigmas[i] < sigmas[i - 1]);
        // Each entry is the table at rint(ppf(1 − i/10)·999).
        Assert.Equal(Sd1.Sigmas[(int)Math.Round(BetaDistribution.Quantile(0.7, 0.6, 0.6) * 999, MidpointRounding.ToEven)], sigmas[3]);
    }

    [Fact]
    public void Unknown_scheduler_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => Schedulers.Compute("fast", Sd1, 5));
        Assert.Contains("Unknown scheduler 'fast'", e.Message);
        Assert.Empty(Schedulers.Compute("karras", Sd1, 0));
        Assert.Equal(["simple", "sgm_uniform", "karras", "exponential", "ddim_uniform", "beta", "normal", "linear_quadratic", "kl_optimal"], Schedulers.Names);
    }

    [Fact]
    public void KSampler_denoise_keeps_the_tail_of_a_longer_schedule()
    {
        var full = Schedulers.Compute("normal", Sd1, 20);
        var partial = SigmaPlanning.ForKSampler(Sd1, "normal", "euler", 10, 0.5);
        Assert.Equal(full[^11..], partial);
        Assert.Equal(Schedulers.Compute("karras", Sd1, 7), SigmaPlanning.ForKSampler(Sd1, "karras", "euler", 7, 1.0));
        Assert.Empty(SigmaPlanning.ForKSampler(Sd1, "karras", "euler", 7, 0));
        // int(10/0.3) = 33 steps scheduled
        Assert.Equal(Schedulers.Compute("simple", Sd1, 33)[^11..], SigmaPlanning.ForKSampler(Sd1, "simple", "euler", 10, 0.3));
        Assert.Equal(Schedulers.Compute("simple", Sd1, 33)[^11..], SigmaPlanning.ForBasicScheduler(Sd1, "simple", 10, 0.3));
    }

    [Fact]
    public void Dpm2_and_unipc_drop_the_penultimate_sigma_of_one_more_step()
    {
        var longer = Schedulers.Compute("karras", Sd1, 6);
        float[] expected = [.. longer[..5], 0f];
        Assert.Equal(expected, SigmaPlanning.ForSampler(Sd1, "karras", "dpm_2", 5));
        Assert.Equal(expected, SigmaPlanning.ForSampler(Sd1, "karras", "uni_pc", 5));
        Assert.Equal(Schedulers.Compute("karras", Sd1, 5), SigmaPlanning.ForSampler(Sd1, "karras", "heun", 5));
    }

    [Fact]
    public void Advanced_window_split_and_flip()
    {
        float[] sigmas = [10, 8, 6, 4, 2, 0];
        Assert.Equal([6f, 4f, 2f, 0f], SigmaPlanning.Window(sigmas, 2, null, false)!);
        Assert.Equal([6f, 4f], SigmaPlanning.Window(sigmas, 2, 3, false)!);
        Assert.Equal([6f, 0f], SigmaPlanning.Window(sigmas, 2, 3, true)!);
        Assert.Equal(sigmas, SigmaPlanning.Window(sigmas, 0, 10000, true)!);
        Assert.Null(SigmaPlanning.Window(sigmas, 5, null, false));
        Assert.Null(SigmaPlanning.Window(sigmas, 3, 3, false));
        var (high, low) = SigmaPlanning.Split(sigmas, 2);
        Assert.Equal([10f, 8f, 6f], high);
        Assert.Equal([6f, 4f, 2f, 0f], low);
        Assert.Equal([0.0001f, 2f, 4f, 6f, 8f, 10f], SigmaPlanning.Flip(sigmas));
        Assert.Empty(SigmaPlanning.Flip([]));
    }
}
