using BenchmarkDotNet.Attributes;

namespace ComfySharp.Benchmarks;

/// <summary>
/// A chain prompt along the server's path (<see cref="ChainPipeline"/>): accepted (read, validated, queue item) and run with
/// its frames and history entry. Two distinct chains alternate, so classic caching never answers from the cache.
/// Divide by <see cref="Nodes"/> for the cost per node.
/// </summary>
[MemoryDiagnoser]
public class ServerPathBenchmarks
{
    private ChainPipeline _pipeline = null!;
    private byte[][] _bodies = [];
    private int _next;

    [Params(1_000, 10_000)]
    public int Nodes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _pipeline = new ChainPipeline();
        _bodies = [ChainPipeline.Body(Nodes - 2, "a"), ChainPipeline.Body(Nodes - 2, "b")];
    }

    [Benchmark]
    public async Task<int> AcceptAndRun()
    {
        var item = _pipeline.Accept(_bodies[_next++ & 1]);
        var record = await _pipeline.RunAsync(item);
        return record.Utf8Json.Length;
    }
}
