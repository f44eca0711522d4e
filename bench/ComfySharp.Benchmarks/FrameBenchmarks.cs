using BenchmarkDotNet.Attributes;
using ComfySharp.Protocol.Frames;

namespace ComfySharp.Benchmarks;

/// <summary>A type-4 preview frame (metadata JSON + 50 KB image): pooled and array encoding, and decoding.</summary>
[MemoryDiagnoser]
public class FrameBenchmarks
{
    private readonly byte[] _image = new byte[50 * 1024];
    private readonly PreviewMetadata _metadata = new("3", "7b7f1c52-1d3c-4f59-9a6a-7d1c50c3b1a1", "3", null, "3", "image/jpeg");
    private byte[] _frame = [];

    [GlobalSetup]
    public void Setup()
    {
        new Random(1).NextBytes(_image);
        _frame = BinaryFrames.PreviewImageWithMetadata(_metadata, _image);
    }

    /// <summary>The per-client path: a rented buffer, returned on dispose.</summary>
    [Benchmark(Baseline = true)]
    public int EncodeType4Pooled()
    {
        using var frame = BinaryFrameWriter.PreviewImageWithMetadata(_metadata, _image);
        return frame.Length;
    }

    /// <summary>The shared-broadcast path: an exactly sized array.</summary>
    [Benchmark]
    public int EncodeType4Array() => BinaryFrames.PreviewImageWithMetadata(_metadata, _image).Length;

    [Benchmark]
    public int DecodeType4() => BinaryFrameReader.TryRead(_frame, out var frame) ? frame.Image.Length : -1;
}
