using System.Diagnostics;
using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing.Specific;

/// <summary>
/// specific_tests.py TestSleep: an async node that waits <c>seconds</c>, reporting progress every 10 ms, then passes its value on.
/// Several run at once: the conformance tests check that their sleeps overlap.
/// </summary>
internal sealed class TestSleep : INode
{
    public static NodeSchema Schema { get; } = new("TestSleep", SpecificTests.ForTesting)
    {
        DisplayName = "Test Sleep",
        PythonModule = TestPack.Module,
        Inputs =
        [
            Input.Of("value", "*"),
            Input.Float("seconds", 1.0, min: 0, max: 9999, step: 0.01m, tooltip: "The amount of seconds to sleep."),
            Hidden.UniqueId(),
        ],
        Outputs = [Output.Of("*")],
    };

    public async ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
    {
        var seconds = args.Float("seconds");
        var started = Stopwatch.GetTimestamp();
        var elapsed = 0.0;
        while (elapsed < seconds)
        {
            elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
            context.ReportProgress(Math.Min(elapsed, seconds), seconds); // ProgressBar.update_absolute clamps to the total
            await Task.Delay(10, ct);
        }
        return NodeOutput.From(args["value"]);
    }
}
