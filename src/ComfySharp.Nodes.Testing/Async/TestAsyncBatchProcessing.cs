using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Tensors;

namespace ComfySharp.Nodes.Testing.Async;

/// <summary>async_test_nodes.py TestAsyncBatchProcessing: inverts each image of the batch in turn, with a pause and a progress step per image.</summary>
internal sealed class TestAsyncBatchProcessing : INode
{
    public static NodeSchema Schema { get; } = new("TestAsyncBatchProcessing", AsyncNodes.Category)
    {
        DisplayName = "Test Async Batch Processing",
        PythonModule = TestPack.Module,
        Inputs = [Input.Of("images", "IMAGE"), AsyncNodes.Float("process_time_per_item", 0.1, min: 0.01m, max: 1), Hidden.UniqueId()],
        Outputs = [Output.Image()],
    };

    public async ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var images = args.Get<Tensor>("images");
        var pause = TimeSpan.FromSeconds(args.Float("process_time_per_item"));
        var batch = images.Shape[0];
        var processed = new List<Tensor>(batch);
        for (var i = 0; i < batch; i++)
        {
            await Task.Delay(pause, ct);
            processed.Add(images.BatchItem(i).OneMinus());
            context.ReportProgress(i + 1, batch);
        }
        return NodeOutput.From(Tensor.ConcatBatch(processed));
    }
}
