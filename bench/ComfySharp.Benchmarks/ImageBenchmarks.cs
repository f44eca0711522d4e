using BenchmarkDotNet.Attributes;
using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;
using ComfySharp.Nodes.Image;
using ComfySharp.Nodes.Image.Codec;
using ComfySharp.Nodes.Image.Color;
using ComfySharp.Nodes.Image.Io;
using ComfySharp.Nodes.Image.Resampling;

namespace ComfySharp.Benchmarks;

/// <summary>
/// Issue 4's figures: SaveImage's PNG encode (level 4) and LoadImage's decode of a 1024×1024 image, ImageScale 512→1024 lanczos,
/// preview frames (the JPEG encode of a 512×512 frame alone; a 64×64 latent-preview-sized picture fitted up to 512 and encoded;
/// the 1024×1024 IMAGE converted to bytes, fitted down to 512 and encoded), and ImageQuantize (256 colours, Floyd–Steinberg) of
/// the 1024×1024 image. Everything runs on one thread. bench/image_pillow.py does the same work on the same pixels with Pillow,
/// numpy and torch as ComfyUI does it.
/// </summary>
[MemoryDiagnoser]
public class ImageBenchmarks
{
    private Tensor _image = null!;
    private Tensor _half = null!;
    private byte[] _png = null!;
    private byte[] _previewPixels = null!;
    private byte[] _latentPixels = null!;

    [GlobalSetup]
    public void Setup()
    {
        // A smooth gradient with some noise: compresses like a photo-ish render, not like a flat fill.
        var random = new Random(1);
        _image = Tensor.Zeros(1, 1024, 1024, 3);
        var span = _image.MutableSpan;
        for (var i = 0; i < span.Length; i++)
        {
            var p = i / 3;
            span[i] = Math.Clamp(((p % 1024) + (p / 1024) * (i % 3 + 1)) / 3072f + random.NextSingle() * 0.05f, 0f, 1f);
        }
        // Every 2nd and every 16th pixel, as image_pillow.py's img[::2, ::2] and img[::16, ::16].
        _half = Decimate(_image, 2);
        _png = SavePng();
        _previewPixels = ImageTensors.ToBytes(_half, 0);
        _latentPixels = ImageTensors.ToBytes(Decimate(_image, 16), 0);
    }

    private static Tensor Decimate(Tensor image, int step)
    {
        var (_, h, w, c) = ImageTensors.ImageShape(image);
        var result = Tensor.Zeros(1, h / step, w / step, c);
        var target = result.MutableSpan;
        for (var y = 0; y < h / step; y++)
        {
            for (var x = 0; x < w / step; x++) image.Span.Slice((y * step * w + x * step) * c, c).CopyTo(target.Slice((y * (w / step) + x) * c, c));
        }
        return result;
    }

    [Benchmark]
    public byte[] SavePng()
    {
        var (pixels, channels) = ImageTensors.ToEncodable(_image, 0);
        return ImageEncoder.Png(pixels, 1024, 1024, channels, compressLevel: 4);
    }

    [Benchmark]
    public Tensor DecodePng() => ImageTensors.RgbOf(ImageDecoder.Decode(_png).First);

    [Benchmark]
    public Tensor Lanczos512To1024() => Resize.Image(_half, 1024, 1024, "lanczos", "disabled");

    [Benchmark]
    public byte[] PreviewJpeg512() => ImageEncoder.Jpeg(_previewPixels, 512, 512, 3, quality: 95);

    /// <summary>A latent2rgb-sized preview (64×64) as the server sends it: fitted to 512 with Pillow's bilinear, JPEG 95.</summary>
    [Benchmark]
    public Engine.Nodes.PreviewImage PreviewFrameLatent64() => PreviewFrames.Jpeg(_latentPixels, 64, 64, 512);

    /// <summary>An IMAGE's preview frame: floats to bytes, fitted down from 1024 to 512 with Pillow's bilinear, JPEG 95.</summary>
    [Benchmark]
    public Engine.Nodes.PreviewImage PreviewFrameImage1024() => PreviewFrames.Jpeg(ImageTensors.ToBytes(_image, 0), 1024, 1024, 512);

    /// <summary>The whole node on one image: to bytes, median-cut palette, dithered mapping, back to floats.</summary>
    [Benchmark]
    public async Task<NodeOutput> Quantize256FloydSteinberg()
    {
        var args = new NodeArgs(new() { ["image"] = _image, ["colors"] = 256L, ["dither"] = "floyd-steinberg" });
        return await new ImageQuantize().ExecuteAsync(args, null!, CancellationToken.None);
    }
}
