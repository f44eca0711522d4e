namespace ComfySharp.Diffusion.Sampling;

/// <summary>
/// The tunable parameters of ComfyUI's samplers; the defaults are ComfyUI's (what KSampler uses). Each sampler reads
/// only the ones its k-diffusion function takes.
/// </summary>
/// <param name="Eta">Ancestral/SDE noise amount (euler_ancestral, dpm_2_ancestral, dpmpp_2s_ancestral, dpmpp_sde, dpmpp_*m_sde).</param>
/// <param name="SNoise">Scale of the added noise.</param>
/// <param name="SChurn">Euler/Heun/DPM-2 churn (Karras et al.): extra noise added before each step; 0 disables.</param>
/// <param name="STmin">Churn only for sigmas at or above this.</param>
/// <param name="STmax">Churn only for sigmas at or below this.</param>
/// <param name="R">dpmpp_sde's intermediate step ratio.</param>
public sealed record SamplerOptions(double Eta = 1, double SNoise = 1, double SChurn = 0, double STmin = 0, double STmax = double.PositiveInfinity,
    double R = 0.5)
{
    /// <summary>ComfyUI's defaults.</summary>
    public static SamplerOptions Default { get; } = new();
}
