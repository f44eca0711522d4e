namespace ComfySharp.Diffusion.Sampling;

/// <summary>
/// UniPC (Zhao et al. 2023) as ComfyUI runs it: multistep, data prediction, order min(3, steps − 1) with lower orders
/// at the start and end, B(h) = h (bh1) or eʰ − 1 (bh2), in the variance-preserving space x/√(1 + σ²) where
/// α = 1/√(1 + σ²), σ_VP = σ·α and λ = −log σ. A final sigma of 0 is replaced by 0.001 (ComfyUI's choice; the last
/// step has no corrector, so there is one model call per step).
/// </summary>
public static partial class Samplers
{
    private static async ValueTask UniPcAsync(SamplerRun run, bool bh2)
    {
        var steps = run.Steps;
        var t = new double[run.Sigmas.Length];
        for (var i = 0; i < t.Length; i++) t[i] = run.Sigmas[i];
        if (t[^1] == 0) t[^1] = 0.001;
        var order = Math.Max(1, Math.Min(3, t.Length - 2));

        var uni = new UniPc(run, bh2);
        var x = run.NewBuffer();
        Lanes.Combine(x, run.X, Alpha(t[0]), run.X, 0);
        var models = new List<float[]> { run.NewBuffer() };
        var times = new List<double> { t[0] };
        await uni.ModelAsync(x, t[0], models[0]).ConfigureAwait(false);

        for (var step = 1; step <= steps; step++)
        {
            var stepOrder = step < order ? step : Math.Min(order, steps + 1 - step);
            var useCorrector = step != steps;
            var modelT = await uni.UpdateAsync(x, models, times, t[step], stepOrder, useCorrector).ConfigureAwait(false);
            Lanes.Combine(run.X, x, 1 / Alpha(t[step]), x, 0);
            run.Report(step - 1, modelT ?? run.X);
            if (step == steps) break;
            modelT ??= await uni.ModelAtAsync(x, t[step]).ConfigureAwait(false);
            if (models.Count == order)
            {
                models.RemoveAt(0);
                times.RemoveAt(0);
            }
            models.Add(modelT);
            times.Add(t[step]);
        }
    }

    private static double Alpha(double sigma) => 1 / Math.Sqrt(1 + sigma * sigma);

    private sealed class UniPc(SamplerRun run, bool bh2)
    {
        private readonly float[] _input = run.NewBuffer();
        private readonly float[] _predicted = run.NewBuffer();

        /// <summary>The data prediction at VP latents <paramref name="x"/>: the denoiser at x/α.</summary>
        public ValueTask ModelAsync(float[] x, double sigma, float[] destination)
        {
            Lanes.Combine(_input, x, 1 / Alpha(sigma), x, 0);
            return run.DenoiseAsync(_input, sigma, destination);
        }

        public async ValueTask<float[]> ModelAtAsync(float[] x, double sigma)
        {
            var result = run.NewBuffer();
            await ModelAsync(x, sigma, result).ConfigureAwait(false);
            return result;
        }

        /// <summary>One predictor(-corrector) step to <paramref name="tNext"/>, x updated in place; returns the corrector's model output.</summary>
        public async ValueTask<float[]?> UpdateAsync(float[] x, List<float[]> models, List<double> times, double tNext, int order, bool useCorrector)
        {
            var tPrev = times[^1];
            var model0 = models[^1];
            double lambdaPrev = -Math.Log(tPrev), lambdaT = -Math.Log(tNext);
            double sigmaPrev = tPrev * Alpha(tPrev), sigmaT = tNext * Alpha(tNext), alphaT = Alpha(tNext);
            var h = lambdaT - lambdaPrev;

            var rks = new double[order];
            var d1s = new float[order - 1][];
            for (var i = 1; i < order; i++)
            {
                var rk = (-Math.Log(times[^(i + 1)]) - lambdaPrev) / h;
                rks[i - 1] = rk;
                d1s[i - 1] = run.NewBuffer();
                Lanes.Combine(d1s[i - 1], models[^(i + 1)], 1 / rk, model0, -1 / rk);
            }
            rks[order - 1] = 1;

            var hh = -h;
            var hPhi1 = SamplingMath.Expm1(hh);
            var hPhiK = hPhi1 / hh - 1;
            var factorial = 1.0;
            var bH = bh2 ? SamplingMath.Expm1(hh) : hh;
            var r = new double[order, order];
            var b = new double[order];
            for (var i = 1; i <= order; i++)
            {
                for (var k = 0; k < order; k++) r[i - 1, k] = Math.Pow(rks[k], i - 1);
                b[i - 1] = hPhiK * factorial / bH;
                factorial *= i + 1;
                hPhiK = hPhiK / hh - 1 / factorial;
            }

            // x_t_ = σt/σprev·x − αt·hφ₁·m₀; the predictor adds −αt·B(h)·Σ ρp_k·D1_k.
            var baseX = _input;
            Lanes.Combine(baseX, x, sigmaT / sigmaPrev, model0, -alphaT * hPhi1);
            Array.Copy(baseX, x, x.Length);
            if (d1s.Length > 0)
            {
                var rhosP = order == 2 ? [0.5] : Solve(r, b, order - 1);
                for (var k = 0; k < d1s.Length; k++) Lanes.AddScaled(x, d1s[k], -alphaT * bH * rhosP[k]);
            }
            if (!useCorrector) return null;

            var rhosC = order == 1 ? [0.5] : Solve(r, b, order);
            var modelT = run.NewBuffer();
            Lanes.Combine(_predicted, x, 1 / alphaT, x, 0);
            await run.DenoiseAsync(_predicted, tNext, modelT).ConfigureAwait(false);
            Array.Copy(baseX, x, x.Length);
            for (var k = 0; k < d1s.Length; k++) Lanes.AddScaled(x, d1s[k], -alphaT * bH * rhosC[k]);
            Lanes.Combine(x, x, 1, modelT, -alphaT * bH * rhosC[^1], model0, alphaT * bH * rhosC[^1]);
            return modelT;
        }

        /// <summary>Solves the leading n×n block of <paramref name="a"/> against b (Gaussian elimination with partial pivoting).</summary>
        private static double[] Solve(double[,] a, double[] b, int n)
        {
            var m = new double[n, n + 1];
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < n; j++) m[i, j] = a[i, j];
                m[i, n] = b[i];
            }
            for (var col = 0; col < n; col++)
            {
                var pivot = col;
                for (var row = col + 1; row < n; row++)
                {
                    if (Math.Abs(m[row, col]) > Math.Abs(m[pivot, col])) pivot = row;
                }
                for (var j = 0; j <= n; j++) (m[col, j], m[pivot, j]) = (m[pivot, j], m[col, j]);
                for (var row = col + 1; row < n; row++)
                {
                    var f = m[row, col] / m[col, col];
                    for (var j = col; j <= n; j++) m[row, j] -= f * m[col, j];
                }
            }
            var x = new double[n];
            for (var i = n - 1; i >= 0; i--)
            {
                var s = m[i, n];
                for (var j = i + 1; j < n; j++) s -= m[i, j] * x[j];
                x[i] = s / m[i, i];
            }
            return x;
        }
    }
}
