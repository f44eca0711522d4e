using ComfySharp.Diffusion.Models;
using ComfySharp.Diffusion.Onnx;
using ComfySharp.Diffusion.Safetensors;

namespace ComfySharp.Nodes.Diffusion.Models;

/// <summary>A VAE on its own (<c>models/vae</c>): ldm keys without prefix, or a checkpoint's <c>first_stage_model.</c> keys.</summary>
internal sealed class LoadedVaeFile : IDisposable
{
    private LoadedVaeFile(SafetensorsFile file, VaeModel vae)
    {
        File = file;
        Vae = vae;
    }

    public SafetensorsFile File { get; }
    public VaeModel Vae { get; }

    public static LoadedVaeFile Open(string path)
    {
        var file = SafetensorsFile.Open(path);
        try
        {
            var prefix = file.Contains("encoder.conv_in.weight") ? ""
                : file.Contains(DetectedCheckpoint.VaePrefix + "encoder.conv_in.weight") ? DetectedCheckpoint.VaePrefix
                : file.Contains("decoder.up_blocks.0.resnets.0.norm1.weight")
                    ? throw new UnsupportedModelException(file.FileName, "diffusers-layout VAE", "diffusers-layout VAE files are not supported yet")
                    : throw new UnsupportedModelException(file.FileName, "unknown", "no SD VAE was recognised in it (no 'encoder.conv_in.weight')");
            var shapes = file.Tensors.ToDictionary(t => t.Name, t => t.Shape, StringComparer.Ordinal);
            var config = CheckpointDetector.ReadVae(new KeySet(file.FileName, shapes), prefix);
            return new LoadedVaeFile(file, new VaeModel(config, new CheckpointWeights(file), prefix, file.FileName));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Vae.Dispose();
        File.Dispose();
    }
}
