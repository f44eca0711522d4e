using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing.Async;

/// <summary>async_test_nodes.py TestSyncError: fails at once, synchronously (Python raises RuntimeError).</summary>
internal sealed class TestSyncError : INode
{
    public static NodeSchema Schema { get; } = new("TestSyncError", AsyncNodes.Category)
    {
        DisplayName = "Test Sync Error",
        PythonModule = TestPack.Module,
        Inputs = [Input.Of("value", "*")],
        Outputs = [Output.Of("*")],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        throw new InvalidOperationException("Intentional sync execution error for testing");
}
