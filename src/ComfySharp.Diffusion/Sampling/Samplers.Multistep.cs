namespace ComfySharp.Diffusion.Sampling;

/// <summary>More of ComfyUI's ODE samplers: Heun++ (heunpp2) and iPNDM.</summary>
public static partial class Samplers
{
    private static async ValueTask HeunPp2Async(SamplerRun run)
    {
        // ComfyUI's heunpp2: Euler for the step that reaches the final sigma, a weighted Heun step for the one before,
        // and a three-point weighted step otherwise; the weights are σ(i+1)/(kσ0) and σ(i+2)/(kσ0) as published.
        var x = run.X;
        var sigmas = run.Sigmas;
        var end = sigmas[^1];
        var denoised = run.NewBuffer();
        var d = run.NewBuffer();
        var x2 = run.NewBuffer();
        var d2 = run.NewBuffer();
        var x3 = run.NewBuffer();
        var d3 = run.NewBuffer();
        var scratch = run.NewBuffer();
        for (var i = 0; i < run.Steps; i++)
        {
            var sigmaHat = run.Options.SChurn > 0 ? Churn(run, i, scratch) : sigmas[i];
            await run.DenoiseAsync(x, sigmaHat, denoised).ConfigureAwait(false);
            Lanes.Combine(d, x, 1 / sigmaHat, denoised, -1 / sigmaHat);
            var dt = sigmas[i + 1] - sigmaHat;
            if (sigmas[i + 1] == end)
            {
                Lanes.AddScaled(x, d, dt);
            }
            else
            {
                double sigma1 = sigmas[i + 1];
                Lanes.Combine(x2, x, 1, d, dt);
                await run.DenoiseAsync(x2, sigma1, scratch).ConfigureAwait(false);
                Lanes.Combine(d2, x2, 1 / sigma1, scratch, -1 / sigma1);
                if (i + 2 < sigmas.Length && sigmas[i + 2] == end)
                {
                    var w2 = sigma1 / (2.0 * sigmas[0]);
                    Lanes.Combine(x, x, 1, d, (1 - w2) * dt, d2, w2 * dt);
                }
                else
                {
                    double sigma2 = sigmas[i + 2];
                    Lanes.Combine(x3, x2, 1, d2, sigma2 - sigma1);
                    await run.DenoiseAsync(x3, sigma2, scratch).ConfigureAwait(false);
                    Lanes.Combine(d3, x3, 1 / sigma2, scratch, -1 / sigma2);
                    var w2 = sigma1 / (3.0 * sigmas[0]);
                    var w3 = sigma2 / (3.0 * sigmas[0]);
                    Lanes.Combine(x, x, 1, d, (1 - w2 - w3) * dt, d2, w2 * dt);
                    Lanes.AddScaled(x, d3, w3 * dt);
                }
            }
            run.Report(i, denoised);
        }
    }

    private static async ValueTask IpndmAsync(SamplerRun run)
    {
        // Adams–Bashforth in σ with iPNDM's fixed coefficients, orders 1–4, keeping the last three slopes.
        const int maxOrder = 4;
        var x = run.X;
        var denoised = run.NewBuffer();
        var history = new List<float[]>(maxOrder);
        float[]? spare = null;
        for (var i = 0; i < run.Steps; i++)
        {
            double sigma = run.Sigmas[i], sigmaNext = run.Sigmas[i + 1];
            await run.DenoiseAsync(x, sigma, denoised).ConfigureAwait(false);
            var d = spare ?? run.NewBuffer();
            Lanes.Combine(d, x, 1 / sigma, denoised, -1 / sigma);
            var dt = sigmaNext - sigma;
            var order = Math.Min(maxOrder, i + 1);
            if (sigmaNext == 0)
            {
                denoised.CopyTo(x, 0);
            }
            else
            {
                switch (order)
                {
                    case 1:
                        Lanes.AddScaled(x, d, dt);
                        break;
                    case 2:
                        Lanes.Combine(x, x, 1, d, 3 * dt / 2, history[^1], -dt / 2);
                        break;
                    case 3:
                        Lanes.Combine(x, x, 1, d, 23 * dt / 12, history[^1], -16 * dt / 12);
                        Lanes.AddScaled(x, history[^2], 5 * dt / 12);
                        break;
                    default:
                        Lanes.Combine(x, x, 1, d, 55 * dt / 24, history[^1], -59 * dt / 24);
                        Lanes.Combine(x, x, 1, history[^2], 37 * dt / 24, history[^3], -9 * dt / 24);
                        break;
                }
            }
            history.Add(d);
            spare = null;
            if (history.Count > maxOrder - 1)
            {
                spare = history[0];
                history.RemoveAt(0);
            }
            run.Report(i, denoised);
        }
    }
}
