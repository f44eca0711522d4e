using System.Diagnostics;
using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing.Async;

/// <summary>
/// api_test_nodes.py TestSyncProgressUpdate: as <see cref="TestAsyncProgressUpdate"/>, but a synchronous node that blocks its thread
/// between updates (Python's <c>time.sleep</c>); an interrupt still ends the wait.
/// </summary>
internal sealed class TestSyncProgressUpdate : INode
{
    public static NodeSchema Schema { get; } = new("TestSyncProgressUpdate", AsyncNodes.Category)
    {
        DisplayName = "Sync Progress Update Test Node",
        PythonModule = TestPack.Module,
        Inputs = [Input.Of("value", "*"), AsyncNodes.Float("sleep_seconds", 1.0)],
        Outputs = [Output.Of("*")],
    };

    public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var seconds = args.Float("sleep_seconds");
        var started = Stopwatch.GetTimestamp();
        var elapsed = 0.0;
        while (elapsed < seconds)
        {
            elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
            context.SetProgress(elapsed / seconds, 1.0);
            ct.WaitHandle.WaitOne(10);
            ct.ThrowIfCancellationRequested();
        }
        return ValueTask.FromResult(NodeOutput.From(args["value"]));
    }
}
