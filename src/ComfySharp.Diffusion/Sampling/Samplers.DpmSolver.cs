namespace ComfySharp.Diffusion.Sampling;

/// <summary>DPM-Solver++ (Lu et al. 2022) in t = −log σ: the multistep and SDE variants ComfyUI ships.</summary>
public static partial class Samplers
{
    private static async ValueTask Dpmpp2mAsync(SamplerRun run)
    {
        var x = run.X;
        var denoised = run.NewBuffer();
        var old = run.NewBuffer();
        var blended = run.NewBuffer();
        var hasOld = false;
        for (var i = 0; i < run.Steps; i++)
        {
            double sigma = run.Sigmas[i], sigmaNext = run.Sigmas[i + 1];
            await run.DenoiseAsync(x, sigma, denoised).ConfigureAwait(false);
            if (sigmaNext == 0)
            {
                denoised.CopyTo(x, 0);
            }
            else
            {
                var h = Math.Log(sigma / sigmaNext);
                var source = denoised;
                if (hasOld)
                {
                    var r = Math.Log(run.Sigmas[i - 1] / sigma) / h;
                    Lanes.Combine(blended, denoised, 1 + 1 / (2 * r), old, -1 / (2 * r));
                    source = blended;
                }
                Lanes.Combine(x, x, sigmaNext / sigma, source, -SamplingMath.Expm1(-h));
            }
            run.Report(i, denoised);
            (old, denoised) = (denoised, old);
            hasOld = true;
        }
    }

    private static async ValueTask DpmppSdeAsync(SamplerRun run)
    {
        var o = run.Options;
        var x = run.X;
        var denoised = run.NewBuffer();
        var x2 = run.NewBuffer();
        var denoised2 = run.NewBuffer();
        var noise = run.NewBuffer();
        var fac = 1 / (2 * o.R);
        for (var i = 0; i < run.Steps; i++)
        {
            double sigma = run.Sigmas[i], sigmaNext = run.Sigmas[i + 1];
            await run.DenoiseAsync(x, sigma, denoised).ConfigureAwait(false);
            if (sigmaNext == 0)
            {
                EulerStep(x, denoised, sigma, sigmaNext - sigma);
            }
            else
            {
                double t = -Math.Log(sigma), tNext = -Math.Log(sigmaNext);
                var sigmaS = Math.Exp(-(t + (tNext - t) * o.R));
                // Step 1: ancestral half step to s.
                var (down, up) = AncestralStep(sigma, sigmaS, o.Eta);
                Lanes.Combine(x2, x, down / sigma, denoised, 1 - down / sigma);
                run.BrownianNoise.Next(sigma, sigmaS, noise);
                Lanes.AddScaled(x2, noise, o.SNoise * up);
                await run.DenoiseAsync(x2, sigmaS, denoised2).ConfigureAwait(false);
                // Step 2: the full step with the blended estimate.
                (down, up) = AncestralStep(sigma, sigmaNext, o.Eta);
                Lanes.Combine(x, x, down / sigma, denoised, (1 - fac) * (1 - down / sigma), denoised2, fac * (1 - down / sigma));
                run.AddNoise(run.BrownianNoise, sigma, sigmaNext, o.SNoise * up, noise);
            }
            run.Report(i, denoised);
        }
    }

    private static async ValueTask Dpmpp2mSdeAsync(SamplerRun run, bool heun)
    {
        var o = run.Options;
        var x = run.X;
        var denoised = run.NewBuffer();
        var old = run.NewBuffer();
        var noise = run.NewBuffer();
        var hasOld = false;
        var hLast = 0.0;
        for (var i = 0; i < run.Steps; i++)
        {
            double sigma = run.Sigmas[i], sigmaNext = run.Sigmas[i + 1];
            await run.DenoiseAsync(x, sigma, denoised).ConfigureAwait(false);
            if (sigmaNext == 0)
            {
                denoised.CopyTo(x, 0);
            }
            else
            {
                var h = Math.Log(sigma / sigmaNext);
                var etaH = o.Eta * h;
                var phi = -SamplingMath.Expm1(-h - etaH);
                Lanes.Combine(x, x, sigmaNext / sigma * Math.Exp(-etaH), denoised, phi);
                if (hasOld)
                {
                    var r = hLast / h;
                    var c = heun ? (phi / (-h - etaH) + 1) / r : 0.5 * phi / r;
                    Lanes.Combine(x, x, 1, denoised, c, old, -c);
                }
                if (o.Eta != 0) run.AddNoise(run.BrownianNoise, sigma, sigmaNext, sigmaNext * Math.Sqrt(-SamplingMath.Expm1(-2 * etaH)) * o.SNoise, noise);
                hLast = h;
            }
            run.Report(i, denoised);
            (old, denoised) = (denoised, old);
            hasOld = true;
        }
    }

    private static async ValueTask Dpmpp3mSdeAsync(SamplerRun run)
    {
        var o = run.Options;
        var x = run.X;
        var denoised = run.NewBuffer();
        var denoised1 = run.NewBuffer();
        var denoised2 = run.NewBuffer();
        var noise = run.NewBuffer();
        var history = 0; // how many of denoised1, denoised2 hold earlier estimates
        double h1 = 0, h2 = 0;
        for (var i = 0; i < run.Steps; i++)
        {
            double sigma = run.Sigmas[i], sigmaNext = run.Sigmas[i + 1];
            await run.DenoiseAsync(x, sigma, denoised).ConfigureAwait(false);
            var h = h1;
            if (sigmaNext == 0)
            {
                denoised.CopyTo(x, 0);
            }
            else
            {
                h = Math.Log(sigma / sigmaNext);
                var hEta = h * (o.Eta + 1);
                Lanes.Combine(x, x, Math.Exp(-hEta), denoised, -SamplingMath.Expm1(-hEta));
                var phi2 = SamplingMath.Expm1(-hEta) / hEta + 1;
                if (history >= 2)
                {
                    double r0 = h1 / h, r1 = h2 / h;
                    // d1_0 = (D − D1)/r0, d1_1 = (D1 − D2)/r1; d1 = d1_0 + (d1_0 − d1_1)·r0/(r0 + r1); d2 = (d1_0 − d1_1)/(r0 + r1)
                    var phi3 = phi2 / hEta - 0.5;
                    double a0 = 1 / r0, a1 = -1 / r0, b1 = 1 / r1, b2 = -1 / r1; // d1_0 = a0·D + a1·D1, d1_1 = b1·D1 + b2·D2
                    var k = r0 / (r0 + r1);
                    var m = 1 / (r0 + r1);
                    // phi2·d1 − phi3·d2 = (phi2·(1 + k) − phi3·m)·d1_0 − (phi2·k − phi3·m)·d1_1
                    var c0 = phi2 * (1 + k) - phi3 * m;
                    var c1 = phi2 * k - phi3 * m;
                    Lanes.Combine(x, x, 1, denoised, c0 * a0, denoised1, c0 * a1 - c1 * b1);
                    Lanes.AddScaled(x, denoised2, -c1 * b2);
                }
                else if (history == 1)
                {
                    var r = h1 / h;
                    Lanes.Combine(x, x, 1, denoised, phi2 / r, denoised1, -phi2 / r);
                }
                if (o.Eta != 0)
                {
                    run.AddNoise(run.BrownianNoise, sigma, sigmaNext, sigmaNext * Math.Sqrt(-SamplingMath.Expm1(-2 * h * o.Eta)) * o.SNoise, noise);
                }
            }
            run.Report(i, denoised);
            (denoised2, denoised1, denoised) = (denoised1, denoised, denoised2);
            history = Math.Min(history + 1, 2);
            (h2, h1) = (h1, h);
        }
    }
}
