using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Diffusion;

/// <summary>ComfyUI's type names for the values of this pack.</summary>
internal static class DiffusionTypes
{
    public const string Model = "MODEL";
    public const string Clip = "CLIP";
    public const string Vae = "VAE";
    public const string Conditioning = "CONDITIONING";
    public const string Latent = "LATENT";
    public const string Sampler = "SAMPLER";
    public const string Sigmas = "SIGMAS";
    public const string Noise = "NOISE";
    public const string Guider = "GUIDER";

    public static InputSpec In(string name, string type, string? tooltip = null) => Input.Of(name, type, tooltip: tooltip);

    public static OutputSpec Out(string type, string? tooltip = null) => Output.Of(type, tooltip: tooltip);
}
