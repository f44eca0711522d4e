namespace ComfySharp.Diffusion.Models;

/// <summary>What a checkpoint holds: an SD 1.x model, with the parts present (a UNet-only file has no CLIP or VAE).</summary>
internal sealed record DetectedCheckpoint(string Family, UNetConfig? UNet, ClipTextConfig? Clip, VaeConfig? Vae)
{
    public const string UNetPrefix = "model.diffusion_model.";
    public const string VaePrefix = "first_stage_model.";
    public const string ClipPrefix = "cond_stage_model.transformer.";
}
