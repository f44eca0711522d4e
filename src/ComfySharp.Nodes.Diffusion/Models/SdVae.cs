using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Diffusion.Models;

/// <summary>VAE: a checkpoint's autoencoder (<see cref="FromCheckpoint"/>) or a file of <c>models/vae</c>.</summary>
public sealed record SdVae(ModelCache Cache, string Path, bool FromCheckpoint)
{
    public Tensor Decode(Tensor samples, CancellationToken ct) => FromCheckpoint
        ? Cache.WithCheckpoint(Path, c => c.Vae.Decode(samples, ct))
        : Cache.WithVaeFile(Path, v => v.Vae.Decode(samples, ct));

    public Tensor Encode(Tensor pixels, CancellationToken ct) => FromCheckpoint
        ? Cache.WithCheckpoint(Path, c => c.Vae.Encode(pixels, ct))
        : Cache.WithVaeFile(Path, v => v.Vae.Encode(pixels, ct));

    public override string ToString() => $"VAE ({System.IO.Path.GetFileName(Path)})";
}
