using BenchmarkDotNet.Attributes;
using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Validation;
using ComfySharp.Nodes.Core;
using ComfySharp.Server.Http;

namespace ComfySharp.Benchmarks;

/// <summary>
/// The two steps of <c>POST /prompt</c> before the store, apart: reading a chain's body without a tree, and the tree-less
/// validation of what was read. Divide by <see cref="Nodes"/> for the cost per node.
/// </summary>
[MemoryDiagnoser]
public class AcceptBenchmarks
{
    private readonly PromptValidator _validator = new(new NodeRegistry().AddCoreNodes());
    private byte[] _body = [];
    private RawPrompt _read = null!;

    [Params(1_000, 10_000)]
    public int Nodes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _body = ChainPipeline.Body(Nodes - 2, "a");
        if (!RequestBodies.TryReadPrompt(_body, out _, out var raw)) throw new InvalidOperationException("Not the usual body.");
        _read = raw!;
    }

    [Benchmark]
    public int Read()
    {
        RequestBodies.TryReadPrompt(_body, out _, out var raw);
        return raw!.Utf8.Length;
    }

    [Benchmark]
    public int Validate() => _validator.TryValidate(_read, null)!.Outputs.Count;
}
