using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Testing.Async;

/// <summary>async_test_nodes.py TestAsyncLazyCheck: an async check_lazy_status asking for input1 when the condition holds, else input2.</summary>
internal sealed class TestAsyncLazyCheck : INode, ILazyInputs
{
    public static NodeSchema Schema { get; } = new("TestAsyncLazyCheck", AsyncNodes.Category)
    {
        DisplayName = "Test Async Lazy Check",
        PythonModule = TestPack.Module,
        Inputs = [Input.Of("input1", "*", lazy: true), Input.Of("input2", "*", lazy: true), Input.Boolean("condition", true)],
        Outputs = [Output.Image()],
    };

    public async ValueTask<IReadOnlyList<string>> CheckLazyStatusAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        await Task.Delay(50, ct);
        var condition = PyValues.Truthy(args.GetValueOrDefault("condition"));
        var needed = new List<string>(1);
        if (condition && !args.Has("input1")) needed.Add("input1");
        if (!condition && !args.Has("input2")) needed.Add("input2");
        return needed;
    }

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(NodeOutput.From(Tensor.Full(1f, 1, 512, 512, 3)));
}
