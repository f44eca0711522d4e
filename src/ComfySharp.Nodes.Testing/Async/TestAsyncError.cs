using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing.Async;

/// <summary>async_test_nodes.py TestAsyncError: fails after <c>error_after</c> seconds (Python raises RuntimeError).</summary>
internal sealed class TestAsyncError : INode
{
    public static NodeSchema Schema { get; } = new("TestAsyncError", AsyncNodes.Category)
    {
        DisplayName = "Test Async Error",
        PythonModule = TestPack.Module,
        Inputs = [Input.Of("value", "*"), AsyncNodes.Float("error_after", 0.1, min: 0, max: 10)],
        Outputs = [Output.Of("*")],
    };

    public async ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        await Task.Delay(TimeSpan.FromSeconds(args.Float("error_after")), ct);
        throw new InvalidOperationException("Intentional async execution error for testing");
    }
}
