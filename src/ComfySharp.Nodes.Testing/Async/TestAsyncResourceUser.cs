using System.Collections.Concurrent;
using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing.Async;

/// <summary>
/// async_test_nodes.py TestAsyncResourceUser: holds <c>resource_id</c> for <c>duration</c> seconds and fails when another call holds
/// it; the resource is released even when the call fails or is interrupted.
/// </summary>
internal sealed class TestAsyncResourceUser : INode
{
    // Class-level in Python too: shared by every instance and every prompt.
    private static readonly ConcurrentDictionary<string, bool> ActiveResources = new(StringComparer.Ordinal);

    public static NodeSchema Schema { get; } = new("TestAsyncResourceUser", AsyncNodes.Category)
    {
        DisplayName = "Test Async Resource User",
        PythonModule = TestPack.Module,
        Inputs = [Input.Of("value", "*"), Input.String("resource_id", "resource_0"), AsyncNodes.Float("duration", 0.1, min: 0, max: 1)],
        Outputs = [Output.Of("*")],
    };

    public async ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var id = args.String("resource_id");
        if (!ActiveResources.TryAdd(id, true)) throw new InvalidOperationException($"Resource {id} is already in use!");
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(args.Float("duration")), ct);
            return NodeOutput.From(args["value"]);
        }
        finally
        {
            ActiveResources.TryRemove(id, out _);
        }
    }
}
