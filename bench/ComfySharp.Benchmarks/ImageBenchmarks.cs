using BenchmarkDotNet.Attributes;
using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;
using ComfySharp.Nodes.Image;
using ComfySharp.Nodes.Image.Codec;
using ComfySharp.Nodes.Image.Color;
using ComfySharp.Nodes.Image.Resampling;

namespace ComfySharp.Benchmarks;

/// <summary>
/// Issue 4's figures: SaveImage's PNG encode (level 4) and LoadImage's decode of a 1024×1024 image, ImageScale 512→1024 lanczos,
/// a 512-pixel JPEG preview frame encode, and ImageQuantize (256 colours, Floyd–Steinberg) of the 1024×1024 image. Pillow's figures
/// for the same work come from bench/image_pillow.py.
/// </summary>
[MemoryDiagnoser]
public class ImageBenchmarks
{
    private Tensor _image = null!;
    private Tensor _half = null!;
    private byte[] _png = null!;
    private byte[] _previewPixels = null!;

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
        _half = Resize.Image(_image, 512, 512, "area", "disabled");
        _png = SavePng();
        _previewPixels = ImageTensors.ToBytes(_half, 0);
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

    /// <summary>The whole node on one image: to bytes, median-cut palette, dithered mapping, back to floats.</summary>
    [Benchmark]
    public async Task<NodeOutput> Quantize256FloydSteinberg()
    {
        var args = new NodeArgs(new() { ["image"] = _image, ["colors"] = 256L, ["dither"] = "floyd-steinberg" });
        return await new ImageQuantize().ExecuteAsync(args, null!, CancellationToken.None);
    }
}
