namespace ComfySharp.Diffusion.Sampling;

/// <summary>
/// ComfyUI's schedulers (<c>comfy/samplers.py</c> SCHEDULER_HANDLERS, same names, same order): each turns a step count
/// into <c>steps + 1</c> descending sigmas ending at 0.
/// </summary>
public static class Schedulers
{
    /// <summary>Every scheduler implemented, in ComfyUI's order (what /object_info lists).</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["simple", "sgm_uniform", "karras", "exponential", "ddim_uniform", "beta", "normal", "linear_quadratic", "kl_optimal"];

    /// <summary>Whether <paramref name="name"/> is one of <see cref="Names"/>.</summary>
    public static bool Exists(string name) => Names.Contains(name, StringComparer.Ordinal);

    /// <summary>The sigmas of scheduler <paramref name="name"/> for <paramref name="steps"/> steps (ComfyUI's calculate_sigmas).</summary>
    /// <exception cref="ArgumentException">Unknown scheduler name.</exception>
    public static float[] Compute(string name, ModelSamplingDiscrete modelSampling, int steps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        if (steps == 0) return [];
        return name switch
        {
            "simple" => Simple(modelSampling, steps),
            "sgm_uniform" => Normal(modelSampling, steps, sgm: true),
            "karras" => Karras(steps, modelSampling.SigmaMin, modelSampling.SigmaMax),
            "exponential" => Exponential(steps, modelSampling.SigmaMin, modelSampling.SigmaMax),
            "ddim_uniform" => DdimUniform(modelSampling, steps),
            "beta" => Beta(modelSampling, steps),
            "normal" => Normal(modelSampling, steps, sgm: false),
            "linear_quadratic" => LinearQuadratic(modelSampling, steps),
            "kl_optimal" => KlOptimal(steps, modelSampling.SigmaMin, modelSampling.SigmaMax),
            _ => throw new ArgumentException($"Unknown scheduler '{name}'. Known: {string.Join(", ", Names)}.", nameof(name)),
        };
    }

    /// <summary>Karras et al. (2022): σ_i = (σmax^(1/ρ) + i/(n−1)·(σmin^(1/ρ) − σmax^(1/ρ)))^ρ, then 0.</summary>
    public static float[] Karras(int steps, double sigmaMin, double sigmaMax, double rho = 7)
    {
        var result = new float[steps + 1];
        var minInv = Math.Pow(sigmaMin, 1 / rho);
        var maxInv = Math.Pow(sigmaMax, 1 / rho);
        for (var i = 0; i < steps; i++)
        {
            var ramp = steps == 1 ? 0 : (float)LinspaceF(0, 1, steps, i);
            result[i] = (float)Math.Pow(maxInv + ramp * (minInv - maxInv), rho);
        }
        return result;
    }

    /// <summary>Log-uniform from σmax to σmin, then 0.</summary>
    public static float[] Exponential(int steps, double sigmaMin, double sigmaMax)
    {
        var result = new float[steps + 1];
        for (var i = 0; i < steps; i++) result[i] = MathF.Exp((float)LinspaceF((float)Math.Log(sigmaMax), (float)Math.Log(sigmaMin), steps, i));
        return result;
    }

    /// <summary>Polyak et al.'s KL-optimal schedule: tan of a linear blend of atan(σmax) and atan(σmin), then 0.</summary>
    public static float[] KlOptimal(int steps, double sigmaMin, double sigmaMax)
    {
        var result = new float[steps + 1];
        for (var i = 0; i < steps; i++)
        {
            // ComfyUI divides by n − 1, which is 0/0 for one step; one step starts at σmax here.
            var w = steps == 1 ? 0 : (double)i / (steps - 1);
            result[i] = (float)Math.Tan(w * Math.Atan(sigmaMin) + (1 - w) * Math.Atan(sigmaMax));
        }
        return result;
    }

    private static float[] Simple(ModelSamplingDiscrete s, int steps)
    {
        var sigmas = s.Sigmas;
        var result = new float[steps + 1];
        var stride = (double)sigmas.Length / steps;
        for (var x = 0; x < steps; x++) result[x] = sigmas[sigmas.Length - 1 - (int)(x * stride)];
        return result;
    }

    private static float[] Normal(ModelSamplingDiscrete s, int steps, bool sgm)
    {
        float start = s.Timestep(s.SigmaMax);
        float end = s.Timestep(s.SigmaMin);
        var appendZero = true;
        float[] timesteps;
        if (sgm)
        {
            timesteps = new float[steps];
            for (var i = 0; i < steps; i++) timesteps[i] = (float)LinspaceF(start, end, steps + 1, i);
        }
        else
        {
            if (Math.Abs(s.Sigma(end)) <= 1e-5)
            {
                steps++;
                appendZero = false;
            }
            timesteps = new float[steps];
            for (var i = 0; i < steps; i++) timesteps[i] = steps == 1 ? start : (float)LinspaceF(start, end, steps, i);
        }
        var result = new float[timesteps.Length + (appendZero ? 1 : 0)];
        for (var i = 0; i < timesteps.Length; i++) result[i] = s.Sigma(timesteps[i]);
        return result;
    }

    private static float[] DdimUniform(ModelSamplingDiscrete s, int steps)
    {
        var sigmas = s.Sigmas;
        var list = new List<float>();
        var x = 1;
        if (Math.Abs(sigmas[x]) <= 1e-5) steps++;
        else list.Add(0);
        var stride = Math.Max(sigmas.Length / steps, 1);
        for (; x < sigmas.Length; x += stride) list.Add(sigmas[x]);
        list.Reverse();
        return [.. list];
    }

    private static float[] Beta(ModelSamplingDiscrete s, int steps, double alpha = 0.6, double beta = 0.6)
    {
        var sigmas = s.Sigmas;
        var total = sigmas.Length - 1;
        var list = new List<float>();
        var last = -1.0;
        for (var i = 0; i < steps; i++)
        {
            var p = 1 - LinspaceD(0, 1, steps + 1, i); // numpy.linspace(0, 1, steps, endpoint=False)
            var t = Math.Round(BetaDistribution.Quantile(p, alpha, beta) * total, MidpointRounding.ToEven);
            if (t != last) list.Add(sigmas[(int)t]);
            last = t;
        }
        list.Add(0);
        return [.. list];
    }

    private static float[] LinearQuadratic(ModelSamplingDiscrete s, int steps, double thresholdNoise = 0.025)
    {
        var schedule = new double[steps + 1];
        if (steps == 1)
        {
            schedule[0] = 1;
            schedule[1] = 0;
        }
        else
        {
            var linearSteps = steps / 2;
            for (var i = 0; i < linearSteps; i++) schedule[i] = i * thresholdNoise / linearSteps;
            var stepDiff = linearSteps - thresholdNoise * steps;
            var quadraticSteps = steps - linearSteps;
            var quadraticCoef = stepDiff / (linearSteps * (double)quadraticSteps * quadraticSteps);
            var linearCoef = thresholdNoise / linearSteps - 2 * stepDiff / ((double)quadraticSteps * quadraticSteps);
            var constant = quadraticCoef * linearSteps * linearSteps;
            for (var i = linearSteps; i < steps; i++) schedule[i] = quadraticCoef * i * i + linearCoef * i + constant;
            schedule[steps] = 1;
            for (var i = 0; i <= steps; i++) schedule[i] = 1 - schedule[i];
        }
        var result = new float[steps + 1];
        for (var i = 0; i <= steps; i++) result[i] = (float)schedule[i] * s.SigmaMax;
        return result;
    }

    /// <summary>torch.linspace in float32: the first half counts up from start, the second half down from end.</summary>
    internal static double LinspaceF(float start, float end, int count, int i)
    {
        if (count == 1) return start;
        var step = (end - start) / (count - 1);
        return i < count / 2 ? start + step * i : end - step * (count - 1 - i);
    }

    /// <summary>numpy.linspace in float64 (start + i·step).</summary>
    private static double LinspaceD(double start, double end, int count, int i) => start + i * ((end - start) / (count - 1));
}
