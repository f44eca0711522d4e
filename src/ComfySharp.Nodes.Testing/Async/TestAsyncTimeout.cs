using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing.Async;

/// <summary>async_test_nodes.py TestAsyncTimeout: an operation of <c>operation_time</c> seconds under a <c>timeout</c> (<c>asyncio.wait_for</c>).</summary>
internal sealed class TestAsyncTimeout : INode
{
    public static NodeSchema Schema { get; } = new("TestAsyncTimeout", AsyncNodes.Category)
    {
        DisplayName = "Test Async Timeout",
        PythonModule = TestPack.Module,
        Inputs =
        [
            Input.Of("value", "*"), AsyncNodes.Float("timeout", 1.0, min: 0.1m, max: 10),
            AsyncNodes.Float("operation_time", 2.0, min: 0.1m, max: 10),
        ],
        Outputs = [Output.Of("*")],
    };

    public async ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var timeout = args.Float("timeout");
        using var operation = CancellationTokenSource.CreateLinkedTokenSource(ct);
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(args.Float("operation_time")), operation.Token).WaitAsync(TimeSpan.FromSeconds(timeout), ct);
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"Operation timed out after {AsyncNodes.Str(timeout)} seconds");
        }
        finally
        {
            await operation.CancelAsync(); // wait_for cancels the operation it gave up on
        }
        return NodeOutput.From(args["value"]);
    }
}
