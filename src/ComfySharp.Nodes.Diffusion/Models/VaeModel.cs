using ComfySharp.Diffusion.Graphs;
using ComfySharp.Diffusion.Models;
using ComfySharp.Diffusion.Onnx;
using ComfySharp.Engine.Tensors;
using ComfySharp.Nodes.Diffusion.Latents;
using Microsoft.ML.OnnxRuntime;

namespace ComfySharp.Nodes.Diffusion.Models;

/// <summary>The KL autoencoder of a checkpoint or of a VAE file, with decoder and encoder sessions made on first use.</summary>
internal sealed class VaeModel : IDisposable
{
    private readonly Lazy<OnnxModelSession> _decoder;
    private readonly Lazy<OnnxModelSession> _encoder;
    private readonly Lazy<OnnxModelSession> _rawDecoder;

    public VaeModel(VaeConfig config, IWeightCatalog weights, string prefix, string fileName)
    {
        Config = config;
        FileName = fileName;
        _decoder = new(() => OnnxModelSession.Create(VaeGraph.Decoder(config, weights, prefix)));
        _encoder = new(() => OnnxModelSession.Create(VaeGraph.Encoder(config, weights, prefix)));
        _rawDecoder = new(() => OnnxModelSession.Create(VaeGraph.Decoder(config, weights, prefix, raw: true)));
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
        var image = CropForEncode(pixels);
        var items = new List<Tensor>(image.Shape[0]);
        for (var i = 0; i < image.Shape[0]; i++)
        {
            ct.ThrowIfCancellationRequested();
            items.Add(RunEncoder(Item(image, i)));
        }
        return items.Count == 1 ? items[0] : Tensor.ConcatBatch(items);
    }

    /// <summary>
    /// ComfyUI's tiled decode: per batch item, the average of three tilings (tile/2 × tile·2, tile·2 × tile/2, tile × tile,
    /// in latent pixels) of the raw decoder output, then <c>clamp((x + 1) / 2)</c>, channels last.
    /// </summary>
    public Tensor DecodeTiled(Tensor samples, int tileX, int tileY, int overlap, CancellationToken ct)
    {
        RequireLatent(samples);
        int b = samples.Shape[0], f = Config.Downscale;
        var items = new List<Tensor>(b);
        for (var i = 0; i < b; i++)
        {
            var item = Item(samples, i);
            Tensor Decode(Tensor tile) => RunRaw(tile);
            var a = TiledScale.Run(item, Decode, tileY * 2, tileX / 2, overlap, f, 3, ct);
            var c = TiledScale.Run(item, Decode, tileY / 2, tileX * 2, overlap, f, 3, ct);
            var d = TiledScale.Run(item, Decode, tileY, tileX, overlap, f, 3, ct);
            int h = d.Shape[2], w = d.Shape[3];
            var image = new float[h * w * 3];
            ReadOnlySpan<float> sa = a.Span, sc = c.Span, sd = d.Span;
            for (var ch = 0; ch < 3; ch++)
            {
                for (var p = 0; p < h * w; p++)
                {
                    var v = (sa[ch * h * w + p] + sc[ch * h * w + p] + sd[ch * h * w + p]) / 3f;
                    image[p * 3 + ch] = Math.Clamp((v + 1f) / 2f, 0f, 1f);
                }
            }
            items.Add(new Tensor([1, h, w, 3], image));
        }
        return items.Count == 1 ? items[0] : Tensor.ConcatBatch(items);
    }

    /// <summary>
    /// ComfyUI's tiled encode: crop to a multiple of the downscale factor, then per item the average of three tilings
    /// (tile × tile, tile·2 × tile/2, tile/2 × tile·2, in image pixels) of the encoder's mean.
    /// </summary>
    public Tensor EncodeTiled(Tensor pixels, int tileX, int tileY, int overlap, CancellationToken ct)
    {
        var nchw = ToChannelsFirst(CropForEncode(pixels));
        int b = nchw.Shape[0], f = Config.Downscale;
        var items = new List<Tensor>(b);
        for (var i = 0; i < b; i++)
        {
            var item = Item(nchw, i);
            Tensor Encode(Tensor tile) => RunEncoder(ToChannelsLast(tile));
            var a = TiledScale.Run(item, Encode, tileY, tileX, overlap, 1.0 / f, Config.EmbedDim, ct);
            var c = TiledScale.Run(item, Encode, tileY / 2, tileX * 2, overlap, 1.0 / f, Config.EmbedDim, ct);
            var d = TiledScale.Run(item, Encode, tileY * 2, tileX / 2, overlap, 1.0 / f, Config.EmbedDim, ct);
            var sum = new float[a.Length];
            ReadOnlySpan<float> sa = a.Span, sc = c.Span, sd = d.Span;
            for (var p = 0; p < sum.Length; p++) sum[p] = (sa[p] + sc[p] + sd[p]) / 3f;
            items.Add(new Tensor(a.Shape, sum));
        }
        return items.Count == 1 ? items[0] : Tensor.ConcatBatch(items);
    }

    private void RequireLatent(Tensor samples)
    {
        if (samples.Rank != 4 || samples.Shape[1] != Config.LatentChannels)
        {
            throw new InvalidOperationException(
                $"This VAE decodes latents of {Config.LatentChannels} channels [B, {Config.LatentChannels}, H, W]; got [{string.Join(", ", samples.Shape)}].");
        }
    }

    private static Tensor Item(Tensor t, int i)
    {
        var per = t.Length / t.Shape[0];
        var shape = (int[])t.Shape.Clone();
        shape[0] = 1;
        return new Tensor(shape, t.Span.Slice(i * per, per).ToArray());
    }

    private Tensor RunRaw(Tensor latent)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(latent.Span.ToArray(), [.. latent.Shape.Select(d => (long)d)]);
        using var options = new RunOptions();
        using var outputs = _rawDecoder.Value.Session.Run(options, [VaeGraph.LatentName], [input], [VaeGraph.ImageName]);
        var shape = outputs[0].GetTensorTypeAndShape().Shape;
        return new Tensor([.. shape.Select(d => (int)d)], outputs[0].GetTensorDataAsSpan<float>().ToArray());
    }

    private Tensor RunEncoder(Tensor image)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(image.Span.ToArray(), [.. image.Shape.Select(d => (long)d)]);
        using var options = new RunOptions();
        using var outputs = _encoder.Value.Session.Run(options, [VaeGraph.ImageName], [input], [VaeGraph.LatentName]);
        var shape = outputs[0].GetTensorTypeAndShape().Shape;
        return new Tensor([.. shape.Select(d => (int)d)], outputs[0].GetTensorDataAsSpan<float>().ToArray());
    }

    /// <summary>ComfyUI's vae_encode_crop_pixels: centre crop to a multiple of the downscale factor, first three channels.</summary>
    private Tensor CropForEncode(Tensor pixels)
    {
        if (pixels.Rank != 4 || pixels.Shape[3] < 3)
        {
            throw new InvalidOperationException($"VAE encoding needs an IMAGE [B, H, W, 3]; got [{string.Join(", ", pixels.Shape)}].");
        }
        int b = pixels.Shape[0], height = pixels.Shape[1], width = pixels.Shape[2], channels = pixels.Shape[3], f = Config.Downscale;
        int h = height / f * f, w = width / f * f;
        if (h == 0 || w == 0) throw new InvalidOperationException($"VAE encoding needs an image of at least {f}×{f} pixels; got {width}×{height}.");
        int top = height % f / 2, left = width % f / 2;
        var data = new float[b * h * w * 3];
        var src = pixels.Span;
        for (var i = 0; i < b; i++)
        {
            for (var y = 0; y < h; y++)
            {
                for (var x = 0; x < w; x++)
                {
                    var from = ((i * height + y + top) * width + x + left) * channels;
                    var to = ((i * h + y) * w + x) * 3;
                    data[to] = src[from];
                    data[to + 1] = src[from + 1];
                    data[to + 2] = src[from + 2];
                }
            }
        }
        return new Tensor([b, h, w, 3], data);
    }

    private static Tensor ToChannelsFirst(Tensor nhwc)
    {
        int b = nhwc.Shape[0], h = nhwc.Shape[1], w = nhwc.Shape[2], c = nhwc.Shape[3];
        var data = new float[nhwc.Length];
        var src = nhwc.Span;
        for (var i = 0; i < b; i++)
            for (var y = 0; y < h; y++)
                for (var x = 0; x < w; x++)
                    for (var ch = 0; ch < c; ch++) data[((i * c + ch) * h + y) * w + x] = src[((i * h + y) * w + x) * c + ch];
        return new Tensor([b, c, h, w], data);
    }

    private static Tensor ToChannelsLast(Tensor nchw)
    {
        int b = nchw.Shape[0], c = nchw.Shape[1], h = nchw.Shape[2], w = nchw.Shape[3];
        var data = new float[nchw.Length];
        var src = nchw.Span;
        for (var i = 0; i < b; i++)
            for (var ch = 0; ch < c; ch++)
                for (var y = 0; y < h; y++)
                    for (var x = 0; x < w; x++) data[((i * h + y) * w + x) * c + ch] = src[((i * c + ch) * h + y) * w + x];
        return new Tensor([b, h, w, c], data);
    }

    public void Dispose()
    {
        if (_rawDecoder.IsValueCreated) _rawDecoder.Value.Dispose();
        if (_decoder.IsValueCreated) _decoder.Value.Dispose();
        if (_encoder.IsValueCreated) _encoder.Value.Dispose();
    }
}
