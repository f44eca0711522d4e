using BenchmarkDotNet.Attributes;
using ComfySharp.Protocol.Frames;

namespace ComfySharp.Benchmarks;

/// <summary>Encoding and decoding a type-4 preview frame with a 50 KB image.</summary>
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

    [Benchmark]
    public int EncodeType4() => BinaryFrames.PreviewImageWithMetadata(_metadata, _image).Length;

    [Benchmark]
    public bool DecodeType4() => BinaryFrameReader.TryRead(_frame, out _);
}
