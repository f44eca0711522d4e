namespace ComfySharp.Nodes.Diffusion.Models;

/// <summary>
/// MODEL: the diffusion model (UNet) of a checkpoint. It names the file rather than holding loaded weights, so a value
/// kept in the output cache survives <c>/free</c>: the model is loaded again when used.
/// </summary>
public sealed record SdModel(ModelCache Cache, string Path)
{
    /// <summary>LoRAs merged into the UNet weights, in the order they were applied (chained LoraLoaders stack).</summary>
    public IReadOnlyList<LoraRef> Loras { get; init; } = [];

    /// <summary>Runs <paramref name="use"/> with the checkpoint whose UNet has <see cref="Loras"/> merged in.</summary>
    internal T With<T>(Func<LoadedCheckpoint, T> use) => Cache.WithCheckpoint(Path, Loras, ComfySharp.Diffusion.Lora.LoraTarget.UNet, use);

    /// <summary>
    /// One UNet evaluation (see <see cref="ComfySharp.Diffusion.Graphs.UNetModel.Run"/>) with <see cref="Loras"/> merged in.
    /// The session is made once per checkpoint and LoRA list and shared; an unload waits for the call, and a cancelled call
    /// is stopped inside ONNX Runtime.
    /// </summary>
    internal void Evaluate(float[] x, int[] shape, float[] timesteps, float[] context, int tokens, float[] output, CancellationToken ct) =>
        With(checkpoint =>
        {
            checkpoint.UNet.Run(x, shape, timesteps, context, tokens, output, ct);
            return true;
        });

    /// <summary>Latent channels the model works on (4 for SD 1.x).</summary>
    internal int LatentChannels => Cache.WithCheckpoint(Path, checkpoint => checkpoint.UNet.Config.InChannels);

    /// <summary>Width of the text context the model attends to (768 for SD 1.x).</summary>
    internal int ContextDim => Cache.WithCheckpoint(Path, checkpoint => checkpoint.UNet.Config.ContextDim);

    public override string ToString() => Loras.Count == 0
        ? $"SD 1.x model ({System.IO.Path.GetFileName(Path)})"
        : $"SD 1.x model ({System.IO.Path.GetFileName(Path)} + {string.Join(", ", Loras.Select(l => $"{System.IO.Path.GetFileName(l.Path)}:{l.Strength}"))})";
}
