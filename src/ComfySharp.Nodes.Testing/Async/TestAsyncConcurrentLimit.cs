using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing.Async;

/// <summary>async_test_nodes.py TestAsyncConcurrentLimit: at most two calls sleep at once (a class-level semaphore).</summary>
internal sealed class TestAsyncConcurrentLimit : INode
{
    private static readonly SemaphoreSlim Limit = new(2, 2);

    public static NodeSchema Schema { get; } = new("TestAsyncConcurrentLimit", AsyncNodes.Category)
    {
        DisplayName = "Test Async Concurrent Limit",
        PythonModule = TestPack.Module,
        Inputs = [Input.Of("value", "*"), AsyncNodes.Float("duration", 0.5, min: 0.1m, max: 2), Input.Int("node_id", 0)],
        Outputs = [Output.Of("*")],
    };

    public async ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        await Limit.WaitAsync(ct);
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(args.Float("duration")), ct);
            return NodeOutput.From(args["value"]);
        }
        finally
        {
            Limit.Release();
        }
    }
}
