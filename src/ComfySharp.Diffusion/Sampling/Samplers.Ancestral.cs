namespace ComfySharp.Diffusion.Sampling;

/// <summary>
/// The ancestral samplers (a deterministic step to σdown, then fresh noise of size σup) and the DDPM and LCM steps; all
/// draw their noise from a generator seeded with the run's seed, one randn of x's size per draw, like ComfyUI.
/// </summary>
public static partial class Samplers
{
    private static async ValueTask EulerAncestralAsync(SamplerRun run)
    {
        var x = run.X;
        var denoised = run.NewBuffer();
        var noise = run.NewBuffer();
        for (var i = 0; i < run.Steps; i++)
        {
            double sigma = run.Sigmas[i], sigmaNext = run.Sigmas[i + 1];
            await run.DenoiseAsync(x, sigma, denoised).ConfigureAwait(false);
            var (down, up) = AncestralStep(sigma, sigmaNext, run.Options.Eta);
            if (down == 0)
            {
                denoised.CopyTo(x, 0);
            }
            else
            {
                EulerStep(x, denoised, sigma, down - sigma);
                run.AddNoise(run.GeneratorNoise, sigma, sigmaNext, run.Options.SNoise * up, noise);
            }
            run.Report(i, denoised);
        }
    }

    private static async ValueTask Dpm2AncestralAsync(SamplerRun run)
    {
        var x = run.X;
        var denoised = run.NewBuffer();
        var x2 = run.NewBuffer();
        var denoised2 = run.NewBuffer();
        for (var i = 0; i < run.Steps; i++)
        {
            double sigma = run.Sigmas[i], sigmaNext = run.Sigmas[i + 1];
            await run.DenoiseAsync(x, sigma, denoised).ConfigureAwait(false);
            var (down, up) = AncestralStep(sigma, sigmaNext, run.Options.Eta);
            if (down == 0)
            {
                EulerStep(x, denoised, sigma, down - sigma);
            }
            else
            {
                await MidpointAsync(run, x, denoised, x2, denoised2, sigma, down).ConfigureAwait(false);
                run.AddNoise(run.GeneratorNoise, sigma, sigmaNext, run.Options.SNoise * up, x2);
            }
            run.Report(i, denoised);
        }
    }

    private static async ValueTask Dpmpp2sAncestralAsync(SamplerRun run)
    {
        var x = run.X;
        var denoised = run.NewBuffer();
        var x2 = run.NewBuffer();
        var denoised2 = run.NewBuffer();
        for (var i = 0; i < run.Steps; i++)
        {
            double sigma = run.Sigmas[i], sigmaNext = run.Sigmas[i + 1];
            await run.DenoiseAsync(x, sigma, denoised).ConfigureAwait(false);
            var (down, up) = AncestralStep(sigma, sigmaNext, run.Options.Eta);
            if (down == 0)
            {
                EulerStep(x, denoised, sigma, down - sigma);
            }
            else
            {
                // DPM-Solver++(2S) in t = −log σ: a half step to s, then the full step with the midpoint's estimate.
                double t = -Math.Log(sigma), tNext = -Math.Log(down);
                var h = tNext - t;
                var s = t + 0.5 * h;
                var sigmaS = Math.Exp(-s);
                Lanes.Combine(x2, x, sigmaS / sigma, denoised, -SamplingMath.Expm1(-0.5 * h));
                await run.DenoiseAsync(x2, sigmaS, denoised2).ConfigureAwait(false);
                Lanes.Combine(x, x, down / sigma, denoised2, -SamplingMath.Expm1(-h));
            }
            if (sigmaNext > 0) run.AddNoise(run.GeneratorNoise, sigma, sigmaNext, run.Options.SNoise * up, x2);
            run.Report(i, denoised);
        }
    }

    private static async ValueTask DdpmAsync(SamplerRun run)
    {
        // ComfyUI's DDPMSampler_step in the variance-preserving space x/√(1 + σ²), with ᾱ = 1/(σ² + 1).
        var x = run.X;
        var denoised = run.NewBuffer();
        var noise = run.NewBuffer();
        for (var i = 0; i < run.Steps; i++)
        {
            double sigma = run.Sigmas[i], sigmaNext = run.Sigmas[i + 1];
            await run.DenoiseAsync(x, sigma, denoised).ConfigureAwait(false);
            var alphaCumprod = 1 / (sigma * sigma + 1);
            var alphaCumprodPrev = 1 / (sigmaNext * sigmaNext + 1);
            var alpha = alphaCumprod / alphaCumprodPrev;
            var k = (1 - alpha) / (sigma * Math.Sqrt(1 - alphaCumprod)); // eps = (x − denoised)/σ
            var root = Math.Sqrt(1 / alpha);
            var outScale = sigmaNext != 0 ? Math.Sqrt(1 + sigmaNext * sigmaNext) : 1;
            // μ = √(1/α)·(x/√(1 + σ²) − (1 − α)/√(1 − ᾱ)·eps)
            Lanes.Combine(x, x, outScale * root * (1 / Math.Sqrt(1 + sigma * sigma) - k), denoised, outScale * root * k);
            if (sigmaNext > 0)
            {
                var noiseScale = Math.Sqrt((1 - alpha) * (1 - alphaCumprodPrev) / (1 - alphaCumprod));
                run.AddNoise(run.GeneratorNoise, sigma, sigmaNext, outScale * noiseScale, noise);
            }
            run.Report(i, denoised);
        }
    }

    private static async ValueTask LcmAsync(SamplerRun run)
    {
        var x = run.X;
        var denoised = run.NewBuffer();
        var noise = run.NewBuffer();
        for (var i = 0; i < run.Steps; i++)
        {
            double sigma = run.Sigmas[i], sigmaNext = run.Sigmas[i + 1];
            await run.DenoiseAsync(x, sigma, denoised).ConfigureAwait(false);
            denoised.CopyTo(x, 0);
            // The model's noise_scaling (eps: x + σnext·noise).
            if (sigmaNext > 0) run.AddNoise(run.GeneratorNoise, sigma, sigmaNext, sigmaNext, noise);
            run.Report(i, denoised);
        }
    }
}
