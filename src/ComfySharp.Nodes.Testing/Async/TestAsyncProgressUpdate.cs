using System.Diagnostics;
using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing.Async;

/// <summary>
/// api_test_nodes.py TestAsyncProgressUpdate: sleeps <c>sleep_seconds</c> asynchronously, publishing the fraction done every 10 ms
/// through the public API's <c>set_progress</c> (a <c>progress_state</c> update, no <c>progress</c> event).
/// </summary>
internal sealed class TestAsyncProgressUpdate : INode
{
    public static NodeSchema Schema { get; } = new("TestAsyncProgressUpdate", AsyncNodes.Category)
    {
        DisplayName = "Async Progress Update Test Node",
        PythonModule = TestPack.Module,
        Inputs = [Input.Of("value", "*"), AsyncNodes.Float("sleep_seconds", 1.0)],
        Outputs = [Output.Of("*")],
    };

    public async ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var seconds = args.Float("sleep_seconds");
        var started = Stopwatch.GetTimestamp();
        var elapsed = 0.0;
        while (elapsed < seconds)
        {
            elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
            context.SetProgress(elapsed / seconds, 1.0);
            await Task.Delay(10, ct);
        }
        return NodeOutput.From(args["value"]);
    }
}
