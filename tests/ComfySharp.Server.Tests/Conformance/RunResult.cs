using System.Text.Json.Nodes;
using ComfySharp.Server.Tests.Infrastructure;

namespace ComfySharp.Server.Tests.Conformance;

/// <summary>What ComfyUI's test harness records about a run: nodes that ran, nodes cached, and the history entry.</summary>
public sealed class RunResult(List<JsonObject> events, JsonObject history)
{
    public List<JsonObject> Events { get; } = events;
    public JsonObject History { get; } = history;
    public HashSet<string> RanNodes { get; } = Infrastructure.Events.Ran(events);
    public HashSet<string> CachedNodes { get; } = Infrastructure.Events.Cached(events);

    public bool DidRun(Graph.Node node) => RanNodes.Contains(node.Id);

    public bool WasExecuted(Graph.Node node) => RanNodes.Contains(node.Id) || CachedNodes.Contains(node.Id);

    /// <summary>The image statistics a <c>CsTestImageStats</c> node reported (one per image, in order).</summary>
    public List<JsonObject> Images(Graph.Node output) =>
        History["outputs"]?[output.Id]?["images"]?.AsArray().Select(i => i!.AsObject()).ToList() ?? [];
}

public sealed class ExecutionFailedException(JsonObject data) : Exception((string?)data["exception_message"])
{
    public JsonObject Details { get; } = data;
}
