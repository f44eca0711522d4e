namespace ComfySharp.Nodes.Diffusion.Models;

/// <summary>
/// MODEL: the diffusion model (UNet) of a checkpoint. It names the file rather than holding loaded weights, so a value
/// kept in the output cache survives <c>/free</c>: the model is loaded again when used. Sampling nodes use it
/// (not in this pack yet).
/// </summary>
public sealed record SdModel(ModelCache Cache, string Path)
{
    public override string ToString() => $"SD 1.x model ({System.IO.Path.GetFileName(Path)})";
}
