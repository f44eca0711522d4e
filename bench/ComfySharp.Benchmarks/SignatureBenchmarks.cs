using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using ComfySharp.Engine.Caching;
using ComfySharp.Engine.Execution;
using ComfySharp.Engine.Graph;
using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Validation;
using ComfySharp.Nodes.Core;

namespace ComfySharp.Benchmarks;

/// <summary>
/// Every node's cache signature of a StringConcatenate chain, as a run computes them before it starts (classic caching
/// looks each one up). Divide by <see cref="Nodes"/> for the cost per node.
/// </summary>
[MemoryDiagnoser]
public class SignatureBenchmarks
{
    private readonly NodeRegistry _registry = new NodeRegistry().AddCoreNodes();
    private IReadOnlyList<PromptNode> _nodes = [];

    [Params(1_000, 10_000)]
    public int Nodes { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        var prompt = new JsonObject { ["s"] = new JsonObject { ["class_type"] = "PrimitiveString", ["inputs"] = new JsonObject { ["value"] = "x" } } };
        var previous = "s";
        for (var i = 0; i < Nodes - 2; i++)
        {
            prompt["c" + i] = new JsonObject
            {
                ["class_type"] = "StringConcatenate",
                ["inputs"] = new JsonObject { ["string_a"] = new JsonArray(previous, 0), ["string_b"] = "b" + i, ["delimiter"] = "" },
            };
            previous = "c" + i;
        }
        prompt["out"] = new JsonObject { ["class_type"] = "PreviewAny", ["inputs"] = new JsonObject { ["source"] = new JsonArray(previous, 0) } };
        var validated = await new PromptValidator(_registry).ValidateAsync(prompt, null, CancellationToken.None);
        if (!validated.IsValid || validated.Nodes!.Count != Nodes) throw new InvalidOperationException("The chain did not validate.");
        _nodes = validated.Nodes;
    }

    [Benchmark]
    public UInt128 AllSignatures()
    {
        var graph = new DynamicPrompt(_nodes);
        var table = new SignatureTable(_registry, graph, new RunTables());
        var last = UInt128.Zero;
        for (var i = 0; i < _nodes.Count; i++) last ^= table.Get(i).Value;
        return last;
    }
}
