using ComfySharp.Diffusion.Sampling;

namespace ComfySharp.Diffusion.Tests.Sampling;

public sealed class SamplerTests
{
    private const double Mu = 0.5;
    private const double S = 0.8;

    private static readonly string[] Deterministic = ["euler", "heun", "heunpp2", "ipndm", "dpm_2", "lms", "dpmpp_2m", "ddim", "uni_pc", "uni_pc_bh2"];

    private static readonly string[] Stochastic =
        ["euler_ancestral", "dpm_2_ancestral", "dpmpp_2s_ancestral", "dpmpp_sde", "dpmpp_2m_sde", "dpmpp_2m_sde_heun", "dpmpp_3m_sde", "ddpm", "lcm"];

    public static TheoryData<string> DeterministicNames() => [.. Deterministic];

    public static TheoryData<string> StochasticNames() => [.. Stochastic];

    public static TheoryData<string> AllNames() => [.. Samplers.Names];

    [Fact]
    public void Names_cover_the_required_samplers_in_comfyui_order()
    {
        foreach (var name in Deterministic.Concat(Stochastic)) Assert.Contains(name, Samplers.Names);
        Assert.Equal("euler", Samplers.Names[0]);
        Assert.Equal("uni_pc_bh2", Samplers.Names[^1]);
        Assert.False(Samplers.Exists("euler_cfg_pp"));
    }

    [Theory]
    [MemberData(nameof(DeterministicNames))]
    public async Task Deterministic_sampler_follows_the_exact_ode_and_converges_at_its_order(string name)
    {
        // Log-uniform sigmas from 14.6 to 0.05 (no final jump to 0, whose one big step would dominate the error):
        // the result must approach the closed-form ODE solution at 0.05, the error shrinking at the method's order.
        var errors = new List<double>();
        foreach (var steps in (int[])[10, 20, 40])
        {
            var denoiser = new GaussianDenoiser(Mu, S);
            var sigmas = Schedulers.Exponential(steps + 1, 0.05, 14.6)[..^1];
            float[] start = [-30f, -3f, 0f, 0.5f, 2f, 25f, 7f, -11f];
            var x = await Samplers.SampleAsync(name, denoiser, (float[])start.Clone(), [1, 2, 2, 2], sigmas, 1, null, null, TestContext.Current.CancellationToken);
            var worst = 0.0;
            for (var i = 0; i < x.Length; i++) worst = Math.Max(worst, Math.Abs(x[i] - denoiser.OdeSolution(start[i], sigmas[0], sigmas[^1])));
            errors.Add(worst);
        }
        // heunpp2 ends with an Euler step into the last sigma (ComfyUI's rule), which makes it first order overall.
        var expectedOrder = name is "euler" or "ddim" or "heunpp2" ? 1 : 2;
        // The higher-order methods reach float32's floor (~1e-4 here) by 40 steps, so the best doubling counts.
        var observed = Math.Max(Math.Log2(errors[0] / errors[1]), Math.Log2(errors[1] / errors[2]));
        Assert.True(errors[2] < (expectedOrder == 1 ? 0.1 : 0.01), $"{name}: error {errors[2]} at 40 steps ({string.Join(", ", errors)})");
        Assert.True(observed > expectedOrder - 0.3, $"{name}: observed order {observed:F2}, expected about {expectedOrder} ({string.Join(", ", errors)})");
    }

    [Theory]
    [MemberData(nameof(StochasticNames))]
    public async Task Stochastic_sampler_ends_with_the_data_distribution(string name)
    {
        // x_T drawn from the true marginal N(mu, s² + σT²); the samples must end N(mu, s²) up to the method's
        // discretisation bias at 100 steps (first-order ancestral steps lose ~7 % of the variance there; computed from
        // the step's linear map) and the sampling error of 16384 values (~1 %).
        const int count = 16384;
        var sigmas = Schedulers.Karras(100, 0.03, 14.6);
        var noise = new TorchGenerator(7).Normal(count);
        var x = new float[count];
        for (var i = 0; i < count; i++) x[i] = (float)(Mu + Math.Sqrt(S * S + sigmas[0] * sigmas[0]) * noise[i]);
        var result = await Samplers.SampleAsync(name, new GaussianDenoiser(Mu, S), x, [1, 4, 64, 64], sigmas, 123, null, null, TestContext.Current.CancellationToken);
        var mean = result.Average(v => (double)v);
        var variance = result.Sum(v => (v - mean) * (v - mean)) / (count - 1);
        var expected = S * S;
        if (name == "lcm")
        {
            // LCM trusts the model to be a consistency function: x ← D(x, σ) then renoise to σnext. Its variance
            // recursion v ← (s²/(s² + σ²))²·v + σnext² is exact, not the data variance.
            var v = S * S + sigmas[0] * sigmas[0];
            for (var i = 0; i < sigmas.Length - 1; i++)
            {
                var k = S * S / (S * S + sigmas[i] * (double)sigmas[i]);
                v = k * k * v + sigmas[i + 1] * (double)sigmas[i + 1];
            }
            expected = v;
        }
        var tolerance = name is "euler_ancestral" or "ddpm" or "dpm_2_ancestral" ? 0.1 : 0.05;
        Assert.True(Math.Abs(mean - Mu) < 5 * Math.Sqrt(expected / count) + 0.01, $"{name}: mean {mean}, expected {Mu}");
        Assert.True(Math.Abs(variance / expected - 1) < tolerance, $"{name}: variance {variance}, expected {expected}");
    }

    [Theory]
    [MemberData(nameof(AllNames))]
    public async Task Same_seed_gives_the_same_result_and_every_step_is_reported(string name)
    {
        var sigmas = Schedulers.Karras(6, 0.03, 14.6);
        var steps = new List<(int Index, int Total, float Sigma)>();
        var first = await Run(name, sigmas, 99, s => steps.Add((s.Index, s.Total, s.Sigma)));
        var again = await Run(name, sigmas, 99, null);
        Assert.Equal(first, again);
        Assert.Equal(Enumerable.Range(0, 6), steps.Select(s => s.Index));
        Assert.All(steps, s => Assert.Equal(6, s.Total));
        Assert.Equal(sigmas[..6], steps.Select(s => s.Sigma));
        Assert.All(first, v => Assert.True(float.IsFinite(v)));
    }

    [Theory]
    [MemberData(nameof(AllNames))]
    public async Task Cancellation_stops_between_model_calls(string name)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var denoiser = new GaussianDenoiser(Mu, S) { CancelAfterSource = cts, CancelAfter = 2 };
        var x = new TorchGenerator(1).Normal(64);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            await Samplers.SampleAsync(name, denoiser, x, [1, 4, 4, 4], Schedulers.Karras(10, 0.03, 14.6), 5, null, null, cts.Token));
        Assert.Equal(2, denoiser.Calls);
    }

    [Fact]
    public async Task Bad_input_is_refused_with_a_clear_error()
    {
        var ct = TestContext.Current.CancellationToken;
        var denoiser = new GaussianDenoiser(Mu, S);
        var e = await Assert.ThrowsAsync<ArgumentException>(async () => await Samplers.SampleAsync("nope", denoiser, new float[4], [1, 1, 2, 2], [1f, 0f], 0, null, null, ct));
        Assert.Contains("Unknown sampler 'nope'", e.Message);
        await Assert.ThrowsAsync<ArgumentException>(async () => await Samplers.SampleAsync("euler", denoiser, new float[4], [1, 1, 2, 3], [1f, 0f], 0, null, null, ct));
        var x = new[] { 1f, 2f };
        Assert.Same(x, await Samplers.SampleAsync("euler", denoiser, x, [2], [1f], 0, null, null, ct));
        Assert.Equal([1f, 2f], x);
        Assert.Equal(0, denoiser.Calls);
    }

    [Fact]
    public async Task Euler_step_is_x_plus_d_dt()
    {
        var x = new[] { 3f };
        await Samplers.SampleAsync("euler", new GaussianDenoiser(0, 1), x, [1], [2f, 1f], 0, null, null, TestContext.Current.CancellationToken);
        // D = 3/(1 + 4) = 0.6; d = (3 − 0.6)/2 = 1.2; x = 3 + 1.2·(1 − 2) = 1.8
        Assert.Equal(1.8f, x[0], 5);
    }

    [Fact]
    public async Task Heun_step_averages_the_two_slopes()
    {
        var x = new[] { 3f };
        await Samplers.SampleAsync("heun", new GaussianDenoiser(0, 1), x, [1], [2f, 1f], 0, null, null, TestContext.Current.CancellationToken);
        // d = 1.2 as for Euler; x₂ = 1.8; D₂ = 1.8/2 = 0.9; d₂ = 0.9; x = 3 − (1.2 + 0.9)/2 = 1.95
        Assert.Equal(1.95f, x[0], 5);
    }

    [Fact]
    public async Task Dpmpp_2m_second_step_uses_the_blended_estimate()
    {
        var x = new[] { 3f };
        float[] sigmas = [4f, 2f, 1f];
        await Samplers.SampleAsync("dpmpp_2m", new GaussianDenoiser(0, 1), x, [1], sigmas, 0, null, null, TestContext.Current.CancellationToken);
        // Step 1: D = 3/17, x = 0.5·3 + 0.5·D. Step 2: r = 1, D' = 1.5·D₂ − 0.5·D₁, x = 0.5·x + 0.5·D'.
        var d1 = 3.0 / 17;
        var x1 = 0.5 * 3 + 0.5 * d1;
        var d2 = x1 / 5;
        var expected = 0.5 * x1 + 0.5 * (1.5 * d2 - 0.5 * d1);
        Assert.Equal(expected, x[0], 5);
    }

    [Fact]
    public async Task Euler_ancestral_adds_the_seeded_generators_noise()
    {
        var x = new[] { 3f };
        await Samplers.SampleAsync("euler_ancestral", new GaussianDenoiser(0, 1), x, [1], [2f, 1f], 42, null, null, TestContext.Current.CancellationToken);
        var up = Math.Sqrt(1 * (4 - 1) / 4.0);
        var down = Math.Sqrt(1 - up * up);
        var noise = new TorchGenerator(42).Normal(1)[0];
        var expected = 3 + (3 - 0.6) / 2 * (down - 2) + noise * up;
        Assert.Equal(expected, x[0], 5);
    }

    [Fact]
    public async Task Lcm_renoises_the_estimate_to_the_next_sigma()
    {
        var x = new[] { 3f };
        await Samplers.SampleAsync("lcm", new GaussianDenoiser(0, 1), x, [1], [2f, 1f], 42, null, null, TestContext.Current.CancellationToken);
        Assert.Equal(0.6 + new TorchGenerator(42).Normal(1)[0] * 1.0, x[0], 5);
    }

    [Fact]
    public void Lms_coefficients_integrate_the_lagrange_basis()
    {
        float[] t = [4f, 3f, 2f, 1f];
        // Order 1: ∫ 1 dτ over [t_i, t_(i+1)] = −1. Order 2 at i = 1 over [3, 2]: basis of t₁ is (τ − 4)/(3 − 4), ∫ = 1.5.
        Assert.Equal(-1, Samplers.LinearMultistepCoefficient(1, t, 0, 0), 12);
        Assert.Equal(-1.5, Samplers.LinearMultistepCoefficient(2, t, 1, 0), 12);
        Assert.Equal(0.5, Samplers.LinearMultistepCoefficient(2, t, 1, 1), 12);
    }

    private static async Task<float[]> Run(string name, float[] sigmas, ulong seed, Action<SamplerStep>? callback)
    {
        var x = new TorchGenerator(3).Normal(256);
        for (var i = 0; i < x.Length; i++) x[i] *= sigmas[0];
        return await Samplers.SampleAsync(name, new GaussianDenoiser(Mu, S), x, [1, 4, 8, 8], sigmas, seed, null, callback, TestContext.Current.CancellationToken);
    }
}
