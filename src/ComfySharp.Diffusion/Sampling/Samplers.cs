namespace ComfySharp.Diffusion.Sampling;

/// <summary>
/// ComfyUI's samplers (k-diffusion's math, ComfyUI's names): each walks the given sigmas with an <see cref="IDenoiser"/>,
/// reporting every step and checking cancellation before every model call.
/// </summary>
public static partial class Samplers
{
    private delegate ValueTask Method(SamplerRun run);

    private static readonly (string Name, Method Method)[] Table =
    [
        ("euler", EulerAsync),
        ("euler_ancestral", EulerAncestralAsync),
        ("heun", HeunAsync),
        ("heunpp2", HeunPp2Async),
        ("ipndm", IpndmAsync),
        ("dpm_2", Dpm2Async),
        ("dpm_2_ancestral", Dpm2AncestralAsync),
        ("lms", LmsAsync),
        ("dpmpp_2s_ancestral", Dpmpp2sAncestralAsync),
        ("dpmpp_sde", DpmppSdeAsync),
        ("dpmpp_sde_gpu", DpmppSdeAsync),
        ("dpmpp_2m", Dpmpp2mAsync),
        ("dpmpp_2m_sde", run => Dpmpp2mSdeAsync(run, heun: false)),
        ("dpmpp_2m_sde_gpu", run => Dpmpp2mSdeAsync(run, heun: false)),
        ("dpmpp_2m_sde_heun", run => Dpmpp2mSdeAsync(run, heun: true)),
        ("dpmpp_2m_sde_heun_gpu", run => Dpmpp2mSdeAsync(run, heun: true)),
        ("dpmpp_3m_sde", Dpmpp3mSdeAsync),
        ("dpmpp_3m_sde_gpu", Dpmpp3mSdeAsync),
        ("ddpm", DdpmAsync),
        ("lcm", LcmAsync),
        ("ddim", EulerAsync),
        ("uni_pc", run => UniPcAsync(run, bh2: false)),
        ("uni_pc_bh2", run => UniPcAsync(run, bh2: true)),
    ];

    /// <summary>
    /// Every sampler implemented, in ComfyUI's order (what /object_info lists). The <c>_gpu</c> names are ComfyUI's
    /// variants that build the Brownian tree on the GPU; on this CPU-only engine they are the same method. <c>ddim</c>
    /// is ComfyUI's: Euler's update (deterministic DDIM in sigma space) whose inpainting re-noises the kept area with a
    /// noise of its own instead of the initial noise (<see cref="UsesRandomInpaintNoise"/>).
    /// </summary>
    public static IReadOnlyList<string> Names { get; } = OrderedNames();

    /// <summary>Whether <paramref name="name"/> is one of <see cref="Names"/>.</summary>
    public static bool Exists(string name) => Find(name) is not null;

    /// <summary>
    /// ComfyUI's KSAMPLER inpaint option "random" (only ddim): the area a noise mask keeps is re-noised at each step with one
    /// tensor drawn from the seed + 1 (the same at every step), not with the initial noise.
    /// </summary>
    public static bool UsesRandomInpaintNoise(string name) => name == "ddim";

    /// <summary>
    /// Runs sampler <paramref name="name"/> from <paramref name="x"/> (the already noised latents, [B,C,H,W] =
    /// <paramref name="shape"/>) over <paramref name="sigmas"/> (descending, usually ending at 0) and returns the
    /// result, written over <paramref name="x"/>. Fewer than two sigmas: <paramref name="x"/> unchanged. Stochastic
    /// samplers draw their noise from <paramref name="seed"/> like ComfyUI (a generator seeded with it, or the Brownian
    /// tree for the SDE samplers). <paramref name="callback"/> gets one <see cref="SamplerStep"/> per step, in order.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown sampler, or a shape that does not match <paramref name="x"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled (checked before every model call).</exception>
    public static async ValueTask<float[]> SampleAsync(string name, IDenoiser denoiser, float[] x, int[] shape, float[] sigmas, ulong seed,
        SamplerOptions? options, Action<SamplerStep>? callback, CancellationToken ct)
    {
        var method = Find(name) ?? throw new ArgumentException($"Unknown sampler '{name}'. Known: {string.Join(", ", Names)}.", nameof(name));
        long count = 1;
        foreach (var d in shape)
        {
            if (d <= 0) throw new ArgumentException($"Invalid latent shape [{string.Join(", ", shape)}].", nameof(shape));
            count *= d;
        }
        if (count != x.Length) throw new ArgumentException($"Shape [{string.Join(", ", shape)}] holds {count} values but x has {x.Length}.", nameof(shape));
        ct.ThrowIfCancellationRequested();
        if (sigmas.Length < 2) return x;
        await method(new SamplerRun(denoiser, x, sigmas, seed, options ?? SamplerOptions.Default, callback, ct)).ConfigureAwait(false);
        return x;
    }

    private static Method? Find(string name)
    {
        foreach (var (n, m) in Table)
        {
            if (n == name) return m;
        }
        return null;
    }

    private static string[] OrderedNames()
    {
        // ComfyUI's KSAMPLER_NAMES order, filtered to what the table implements.
        string[] comfyOrder =
        [
            "euler", "euler_cfg_pp", "euler_ancestral", "euler_ancestral_cfg_pp", "heun", "heunpp2", "exp_heun_2_x0", "exp_heun_2_x0_sde", "dpm_2",
            "dpm_2_ancestral", "lms", "dpm_fast", "dpm_adaptive", "dpmpp_2s_ancestral", "dpmpp_2s_ancestral_cfg_pp", "dpmpp_sde", "dpmpp_sde_gpu",
            "dpmpp_2m", "dpmpp_2m_cfg_pp", "dpmpp_2m_sde", "dpmpp_2m_sde_gpu", "dpmpp_2m_sde_heun", "dpmpp_2m_sde_heun_gpu", "dpmpp_3m_sde",
            "dpmpp_3m_sde_gpu", "ddpm", "lcm", "ipndm", "ipndm_v", "deis", "res_multistep", "res_multistep_cfg_pp", "res_multistep_ancestral",
            "res_multistep_ancestral_cfg_pp", "gradient_estimation", "gradient_estimation_cfg_pp", "er_sde", "seeds_2", "seeds_3", "sa_solver",
            "sa_solver_pece", "ddim", "uni_pc", "uni_pc_bh2",
        ];
        var names = new List<string>();
        foreach (var name in comfyOrder)
        {
            if (Find(name) is not null) names.Add(name);
        }
        return [.. names];
    }

    /// <summary>k-diffusion's get_ancestral_step: the deterministic target σdown and the noise σup of an ancestral step.</summary>
    internal static (double Down, double Up) AncestralStep(double sigmaFrom, double sigmaTo, double eta)
    {
        if (eta == 0) return (sigmaTo, 0);
        var up = Math.Min(sigmaTo, eta * Math.Sqrt(sigmaTo * sigmaTo * (sigmaFrom * sigmaFrom - sigmaTo * sigmaTo) / (sigmaFrom * sigmaFrom)));
        return (Math.Sqrt(sigmaTo * sigmaTo - up * up), up);
    }
}
