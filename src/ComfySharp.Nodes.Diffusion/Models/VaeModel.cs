using ComfySharp.Diffusion.Graphs;
using ComfySharp.Diffusion.Models;
using ComfySharp.Diffusion.Onnx;
using ComfySharp.Engine.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace ComfySharp.Nodes.Diffusion.Models;

/// <summary>The KL autoencoder of a checkpoint or of a VAE file, with decoder and encoder sessions made on first use.</summary>
internal sealed class VaeModel : IDisposable
{
    private readonly Lazy<OnnxModelSession> _decoder;
    private readonly Lazy<OnnxModelSession> _encoder;

    public VaeModel(VaeConfig config, IWeightCatalog weights, string prefix, string fileName)
    {
        Config = config;
        FileName = fileName;
        _decoder = new(() => OnnxModelSession.Create(VaeGraph.Decoder(config, weights, prefix)));
        _encoder = new(() => OnnxModelSession.Create(VaeGraph.Encoder(config, weights, prefix)));
    }

    public VaeConfig Config { get; }
    public string FileName { get; }

    /// <summary>LATENT samples [B, z, h, w] → IMAGE [B, h·f, w·f, 3], one batch item at a time (bounded memory).</summary>
    public Tensor Decode(Tensor samples, CancellationToken ct)
    {
        if (samples.Rank != 4 || samples.Shape[1] != Config.LatentChannels)
        {
            throw new InvalidOperationException(
                $"This VAE decodes latents of {Config.LatentChannels} channels [B, {Config.LatentChannels}, H, W]; got [{string.Join(", ", samples.Shape)}].");
        }
        int b = samples.Shape[0], h = samples.Shape[2], w = samples.Shape[3], f = Config.Downscale;
        var image = new float[(long)b * h * f * w * f * 3];
        var per = Config.LatentChannels * h * w;
        for (var i = 0; i < b; i++)
        {
            ct.ThrowIfCancellationRequested();
            var one = samples.Span.Slice(i * per, per).ToArray();
            using var input = OrtValue.CreateTensorValueFromMemory(one, [1, Config.LatentChannels, h, w]);
            using var options = new RunOptions();
            using var outputs = _decoder.Value.Session.Run(options, [VaeGraph.LatentName], [input], [VaeGraph.ImageName]);
            outputs[0].GetTensorDataAsSpan<float>().CopyTo(image.AsSpan(i * h * f * w * f * 3));
        }
        return new Tensor([b, h * f, w * f, 3], image);
    }

    /// <summary>
    /// IMAGE [B, H, W, C] → LATENT samples. Like ComfyUI, the image is first cropped (centred) to a multiple of the
    /// downscale factor, and only the first three channels are used.
    /// </summary>
    public Tensor Encode(Tensor pixels, CancellationToken ct)
    {
        if (pixels.Rank != 4 || pixels.Shape[3] < 3)
        {
            throw new InvalidOperationException($"VAEEncode needs an IMAGE [B, H, W, 3]; got [{string.Join(", ", pixels.Shape)}].");
        }
        int b = pixels.Shape[0], height = pixels.Shape[1], width = pixels.Shape[2], channels = pixels.Shape[3], f = Config.Downscale;
        int h = height / f * f, w = width / f * f;
        if (h == 0 || w == 0) throw new InvalidOperationException($"VAEEncode needs an image of at least {f}×{f} pixels; got {width}×{height}.");
        int top = height % f / 2, left = width % f / 2;
        var latent = new float[(long)b * Config.EmbedDim * (h / f) * (w / f)];
        var per = Config.EmbedDim * (h / f) * (w / f);
        var src = pixels.Span;
        for (var i = 0; i < b; i++)
        {
            ct.ThrowIfCancellationRequested();
            var crop = new float[h * w * 3];
            for (var y = 0; y < h; y++)
            {
                for (var x = 0; x < w; x++)
                {
                    var from = ((i * height + y + top) * width + x + left) * channels;
                    var to = (y * w + x) * 3;
                    crop[to] = src[from];
                    crop[to + 1] = src[from + 1];
                    crop[to + 2] = src[from + 2];
                }
            }
            using var input = OrtValue.CreateTensorValueFromMemory(crop, [1, h, w, 3]);
            using var options = new RunOptions();
            using var outputs = _encoder.Value.Session.Run(options, [VaeGraph.ImageName], [input], [VaeGraph.LatentName]);
            outputs[0].GetTensorDataAsSpan<float>().CopyTo(latent.AsSpan(i * per, per));
        }
        return new Tensor([b, Config.EmbedDim, h / f, w / f], latent);
    }

    public void Dispose()
    {
        if (_decoder.IsValueCreated) _decoder.Value.Dispose();
        if (_encoder.IsValueCreated) _encoder.Value.Dispose();
    }
}
