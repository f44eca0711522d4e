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

    public Tensor DecodeTiled(Tensor samples, int tileX, int tileY, int overlap, CancellationToken ct) => FromCheckpoint
        ? Cache.WithCheckpoint(Path, c => c.Vae.DecodeTiled(samples, tileX, tileY, overlap, ct))
        : Cache.WithVaeFile(Path, v => v.Vae.DecodeTiled(samples, tileX, tileY, overlap, ct));

    public Tensor EncodeTiled(Tensor pixels, int tileX, int tileY, int overlap, CancellationToken ct) => FromCheckpoint
        ? Cache.WithCheckpoint(Path, c => c.Vae.EncodeTiled(pixels, tileX, tileY, overlap, ct))
        : Cache.WithVaeFile(Path, v => v.Vae.EncodeTiled(pixels, tileX, tileY, overlap, ct));

    /// <summary>Pixels per latent pixel (8 for SD).</summary>
    public int Downscale => FromCheckpoint ? Cache.WithCheckpoint(Path, c => c.Vae.Config.Downscale) : Cache.WithVaeFile(Path, v => v.Vae.Config.Downscale);

    public override string ToString() => $"VAE ({System.IO.Path.GetFileName(Path)})";
}
