using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using ComfySharp.Engine.Caching;
using ComfySharp.Engine.Execution;
using ComfySharp.Engine.Graph;
using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Validation;
using ComfySharp.Nodes.Core;

namespace ComfySharp.Benchmarks;

/// <summary>Validation and execution of prompts without HTTP: the engine's own cost per prompt and per node.</summary>
[MemoryDiagnoser]
public class EngineBenchmarks
{
    private readonly NodeRegistry _registry = new NodeRegistry().AddCoreNodes();
    private PromptValidator _validator = null!;
    private PromptExecutor _executor = null!;
    private string _chain = "";
    private EngineFolders _folders = null!;

    [Params(3, 1_000, 10_000)]
    public int Nodes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _validator = new PromptValidator(_registry);
        _executor = new PromptExecutor(_registry, OutputCache.None(), new NullEvents(), TimeProvider.System);
        _folders = EngineFolders.Under(Path.GetTempPath());
        _chain = Chain(Math.Max(1, Nodes - 2)).ToJsonString();
    }

    [Benchmark]
    public async Task<int> ValidateAndExecute()
    {
        var prompt = JsonNode.Parse(_chain)!.AsObject();
        var validated = await _validator.ValidateAsync(prompt, null, CancellationToken.None);
        var outcome = await _executor.ExecuteAsync("bench", prompt, [], validated.Nodes, validated.Outputs, _folders, CancellationToken.None);
        return outcome.Outputs.Count;
    }

    private static JsonObject Chain(int length)
    {
        var prompt = new JsonObject { ["s"] = new JsonObject { ["class_type"] = "PrimitiveString", ["inputs"] = new JsonObject { ["value"] = "x" } } };
        var previous = "s";
        for (var i = 0; i < length; i++)
        {
            prompt["c" + i] = new JsonObject
            {
                ["class_type"] = "StringConcatenate",
                ["inputs"] = new JsonObject { ["string_a"] = new JsonArray(previous, 0), ["string_b"] = "", ["delimiter"] = "" },
            };
            previous = "c" + i;
        }
        prompt["out"] = new JsonObject { ["class_type"] = "PreviewAny", ["inputs"] = new JsonObject { ["source"] = new JsonArray(previous, 0) } };
        return prompt;
    }

    private sealed class NullEvents : IExecutionEvents
    {
        public void QueueChanged(int queueRemaining) { }
        public void ExecutionStart(ExecutionScope scope, long timestamp) { }
        public void ExecutionCached(ExecutionScope scope, IReadOnlyList<string> nodes, long timestamp) { }
        public void Executing(ExecutionScope scope, string nodeId, string displayNodeId) { }
        public void Progress(ExecutionScope scope, NodeProgress node, double value, double max, PreviewImage? preview) { }
        public void ProgressState(ExecutionScope scope, IReadOnlyList<NodeProgress> nodes) { }
        public void ProgressText(ExecutionScope scope, string nodeId, string text) { }
        public void Executed(ExecutionScope scope, string nodeId, string displayNodeId, JsonObject? output) { }
        public void ExecutionSuccess(ExecutionScope scope, long timestamp) { }
        public void ExecutionError(ExecutionScope scope, JsonObject data, bool blocked) { }
        public void ExecutionInterrupted(ExecutionScope scope, JsonObject data) { }
        public void ExecutionDone(ExecutionScope scope) { }
    }
}
