using ComfySharp.Diffusion.Onnx;
using ComfySharp.Diffusion.Safetensors;
using Microsoft.ML.OnnxRuntime;

namespace ComfySharp.Diffusion.Previews;

/// <summary>
/// ComfyUI's <c>taesd</c> preview: the tiny TAESD decoder turns one latent into a full-size (8×) picture, far cheaper than the VAE.
/// The decoder file (<c>models/vae_approx/taesd_decoder.safetensors</c> for SD 1.x) is memory-mapped and run on ONNX Runtime.
/// Thread-safe: ONNX Runtime sessions may run concurrently.
/// </summary>
public sealed class TaesdPreviewer : ILatentPreviewer, IDisposable
{
    /// <summary>How ComfyUI recognises the SD 1.x decoder in <c>models/vae_approx</c>: the first file whose name starts with this.</summary>
    public const string Sd15DecoderPrefix = "taesd_decoder";

    private readonly SafetensorsFile _file;
    private readonly OnnxModelSession _session;
    private readonly int _channels;

    private TaesdPreviewer(SafetensorsFile file, OnnxModelSession session, int channels)
    {
        _file = file;
        _session = session;
        _channels = channels;
    }

    /// <summary>Opens a TAESD decoder file; a missing or malformed file throws <see cref="SafetensorsException"/> naming it.</summary>
    public static TaesdPreviewer Open(string path, int intraOpThreads = 1)
    {
        var file = SafetensorsFile.Open(path);
        try
        {
            var channels = file.Get("1.weight").Shape is [_, var inCh, 3, 3] ? (int)inCh
                : throw new SafetensorsException(file.FileName, "'1.weight' is not a 3×3 convolution; this is not a TAESD decoder");
            var session = OnnxModelSession.Create(TaesdDecoderGraph.Build(new CheckpointWeights(file), channels), intraOpThreads);
            return new TaesdPreviewer(file, session, channels);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public LatentPreview Preview(ReadOnlySpan<float> latent, ReadOnlySpan<int> shape, int batchIndex = 0)
    {
        var (_, c, h, w) = LatentPreviewMath.Check(latent, shape, batchIndex, _channels);
        var item = latent.Slice(batchIndex * c * h * w, c * h * w).ToArray();
        using var input = OrtValue.CreateTensorValueFromMemory(item, [1, c, h, w]);
        using var options = new RunOptions();
        using var results = _session.Session.Run(options, [TaesdDecoderGraph.LatentName], [input], [TaesdDecoderGraph.ImageName]);
        var pixels = results[0].GetTensorDataAsSpan<float>();
        var rgb = new byte[pixels.Length];
        // ComfyUI: decoder output y becomes (y − 0.5) · 2, then preview_to_image clamps and rounds it to a byte.
        for (var i = 0; i < pixels.Length; i++) rgb[i] = LatentPreviewMath.ToByte((pixels[i] - 0.5f) * 2f);
        return new LatentPreview(rgb, w * 8, h * 8);
    }

    public void Dispose()
    {
        _session.Dispose();
        _file.Dispose();
    }
}
