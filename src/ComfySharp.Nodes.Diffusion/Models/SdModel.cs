namespace ComfySharp.Nodes.Diffusion.Models;

/// <summary>
/// MODEL: the diffusion model (UNet) of a checkpoint. It names the file rather than holding loaded weights, so a value
/// kept in the output cache survives <c>/free</c>: the model is loaded again when used.
/// </summary>
public sealed record SdModel(ModelCache Cache, string Path)
{
    /// <summary>
    /// One UNet evaluation (see <see cref="ComfySharp.Diffusion.Graphs.UNetModel.Run"/>). The checkpoint's session is made once
    /// and shared; an unload waits for the call, and a cancelled call is stopped inside ONNX Runtime.
    /// </summary>
    internal void Evaluate(float[] x, int[] shape, float[] timesteps, float[] context, int tokens, float[] output, CancellationToken ct) =>
        Cache.WithCheckpoint(Path, checkpoint =>
        {
            checkpoint.UNet.Run(x, shape, timesteps, context, tokens, output, ct);
            return true;
        });

    /// <summary>Latent channels the model works on (4 for SD 1.x).</summary>
    internal int LatentChannels => Cache.WithCheckpoint(Path, checkpoint => checkpoint.UNet.Config.InChannels);

    /// <summary>Width of the text context the model attends to (768 for SD 1.x).</summary>
    internal int ContextDim => Cache.WithCheckpoint(Path, checkpoint => checkpoint.UNet.Config.ContextDim);

    public override string ToString() => $"SD 1.x model ({System.IO.Path.GetFileName(Path)})";
}
