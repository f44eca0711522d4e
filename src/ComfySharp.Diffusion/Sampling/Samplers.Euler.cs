namespace ComfySharp.Diffusion.Sampling;

/// <summary>The ODE samplers of Karras et al. (2022) as k-diffusion has them: Euler, Heun, DPM-2 and LMS.</summary>
public static partial class Samplers
{
    // Churn (s_churn > 0): σ̂ = σ(1 + γ) with fresh noise of variance σ̂² − σ²; k-diffusion draws it with randn_like, we
    // use the run's seeded generator so the result is still reproducible.
    private static double Churn(SamplerRun run, int i, float[] scratch)
    {
        var o = run.Options;
        double sigma = run.Sigmas[i];
        if (o.SChurn <= 0 || sigma < o.STmin || sigma > o.STmax) return sigma;
        var gamma = Math.Min(o.SChurn / run.Steps, Math.Sqrt(2) - 1);
        if (gamma <= 0) return sigma;
        var sigmaHat = sigma * (gamma + 1);
        run.AddNoise(run.GeneratorNoise, sigma, run.Sigmas[i + 1], o.SNoise * Math.Sqrt(sigmaHat * sigmaHat - sigma * sigma), scratch);
        return sigmaHat;
    }

    // x ← x + d·dt with d = (x − denoised)/σ.
    private static void EulerStep(float[] x, float[] denoised, double sigma, double dt) => Lanes.Combine(x, x, 1 + dt / sigma, denoised, -dt / sigma);

    private static async ValueTask EulerAsync(SamplerRun run)
    {
        var x = run.X;
        var denoised = run.NewBuffer();
        float[]? scratch = null;
        for (var i = 0; i < run.Steps; i++)
        {
            var sigmaHat = run.Options.SChurn > 0 ? Churn(run, i, scratch ??= run.NewBuffer()) : run.Sigmas[i];
            await run.DenoiseAsync(x, sigmaHat, denoised).ConfigureAwait(false);
            EulerStep(x, denoised, sigmaHat, run.Sigmas[i + 1] - sigmaHat);
            run.Report(i, denoised);
        }
    }

    private static async ValueTask HeunAsync(SamplerRun run)
    {
        var x = run.X;
        var denoised = run.NewBuffer();
        var x2 = run.NewBuffer();
        var denoised2 = run.NewBuffer();
        for (var i = 0; i < run.Steps; i++)
        {
            var sigmaHat = run.Options.SChurn > 0 ? Churn(run, i, x2) : run.Sigmas[i];
            double sigmaNext = run.Sigmas[i + 1];
            await run.DenoiseAsync(x, sigmaHat, denoised).ConfigureAwait(false);
            var dt = sigmaNext - sigmaHat;
            if (sigmaNext == 0)
            {
                EulerStep(x, denoised, sigmaHat, dt);
            }
            else
            {
                Lanes.Combine(x2, x, 1 + dt / sigmaHat, denoised, -dt / sigmaHat);
                await run.DenoiseAsync(x2, sigmaNext, denoised2).ConfigureAwait(false);
                // x + (d + d₂)/2·dt, d₂ = (x₂ − denoised₂)/σnext
                Lanes.Combine(x, x, 1 + dt / (2 * sigmaHat), denoised, -dt / (2 * sigmaHat));
                Lanes.Combine(x, x, 1, x2, dt / (2 * sigmaNext), denoised2, -dt / (2 * sigmaNext));
            }
            run.Report(i, denoised);
        }
    }

    private static async ValueTask Dpm2Async(SamplerRun run)
    {
        var x = run.X;
        var denoised = run.NewBuffer();
        var x2 = run.NewBuffer();
        var denoised2 = run.NewBuffer();
        for (var i = 0; i < run.Steps; i++)
        {
            var sigmaHat = run.Options.SChurn > 0 ? Churn(run, i, x2) : run.Sigmas[i];
            double sigmaNext = run.Sigmas[i + 1];
            await run.DenoiseAsync(x, sigmaHat, denoised).ConfigureAwait(false);
            if (sigmaNext == 0)
            {
                EulerStep(x, denoised, sigmaHat, sigmaNext - sigmaHat);
            }
            else
            {
                await MidpointAsync(run, x, denoised, x2, denoised2, sigmaHat, sigmaNext).ConfigureAwait(false);
            }
            run.Report(i, denoised);
        }
    }

    // DPM-Solver-2's midpoint step from σ to σto: the midpoint in log-sigma, x + d₂·(σto − σ).
    private static async ValueTask MidpointAsync(SamplerRun run, float[] x, float[] denoised, float[] x2, float[] denoised2, double sigma, double sigmaTo)
    {
        var sigmaMid = Math.Exp(0.5 * (Math.Log(sigma) + Math.Log(sigmaTo)));
        var dt1 = sigmaMid - sigma;
        var dt2 = sigmaTo - sigma;
        Lanes.Combine(x2, x, 1 + dt1 / sigma, denoised, -dt1 / sigma);
        await run.DenoiseAsync(x2, sigmaMid, denoised2).ConfigureAwait(false);
        Lanes.Combine(x, x, 1, x2, dt2 / sigmaMid, denoised2, -dt2 / sigmaMid);
    }

    private static async ValueTask LmsAsync(SamplerRun run)
    {
        const int order = 4;
        var x = run.X;
        var denoised = run.NewBuffer();
        var ds = new List<float[]>(order + 1);
        for (var i = 0; i < run.Steps; i++)
        {
            double sigma = run.Sigmas[i];
            await run.DenoiseAsync(x, sigma, denoised).ConfigureAwait(false);
            var d = ds.Count == order ? ds[0] : run.NewBuffer();
            if (ds.Count == order) ds.RemoveAt(0);
            Lanes.Combine(d, x, 1 / sigma, denoised, -1 / sigma);
            ds.Add(d);
            if (run.Sigmas[i + 1] == 0)
            {
                denoised.CopyTo(x, 0);
            }
            else
            {
                var currentOrder = Math.Min(i + 1, order);
                for (var j = 0; j < currentOrder; j++)
                {
                    Lanes.AddScaled(x, ds[ds.Count - 1 - j], LinearMultistepCoefficient(currentOrder, run.Sigmas, i, j));
                }
            }
            run.Report(i, denoised);
        }
    }

    /// <summary>∫ from t_i to t_(i+1) of the Lagrange basis polynomial of t_(i−j) over t_i … t_(i−order+1) (exact: 4-point Gauss–Legendre).</summary>
    internal static double LinearMultistepCoefficient(int order, float[] t, int i, int j)
    {
        ReadOnlySpan<double> nodes = [-0.8611363115940526, -0.3399810435848563, 0.3399810435848563, 0.8611363115940526];
        ReadOnlySpan<double> weights = [0.3478548451374538, 0.6521451548625461, 0.6521451548625461, 0.3478548451374538];
        double a = t[i], b = t[i + 1];
        var sum = 0.0;
        for (var q = 0; q < nodes.Length; q++)
        {
            var tau = 0.5 * (a + b) + 0.5 * (b - a) * nodes[q];
            var product = 1.0;
            for (var k = 0; k < order; k++)
            {
                if (k == j) continue;
                product *= (tau - t[i - k]) / (t[i - j] - t[i - k]);
            }
            sum += weights[q] * product;
        }
        return 0.5 * (b - a) * sum;
    }
}
