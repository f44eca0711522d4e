using System.Text.Json.Nodes;
using ComfySharp.Engine.Caching;
using ComfySharp.Engine.Execution;
using ComfySharp.Engine.Graph;
using ComfySharp.Engine.Nodes;

namespace ComfySharp.Engine.Tests.Execution;

/// <summary>
/// ComfyUI's ProgressBar throttling (protocol.md §3.5) on a clock the test moves: an update goes out if it carries a preview, is
/// the first, or reaches the total; otherwise only after 0.1 s and 0.5 % of progress since the last one that went out.
/// </summary>
public sealed class ProgressThrottleTests
{
    private sealed class ManualClock : TimeProvider
    {
        public long Ticks;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => Ticks;
        public void Advance(double milliseconds) => Ticks += (long)(milliseconds * TimeSpan.TicksPerMillisecond);
    }

    /// <summary>Reports the script's steps: (milliseconds to wait first, value, with a preview).</summary>
    private sealed class Probe : INode
    {
        public static ManualClock Clock = new();
        public static (double WaitMs, double Value, bool Preview)[] Script = [];

        public static NodeSchema Schema { get; } = new("ThrottleProbe", "testing") { OutputNode = true };

        public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
        {
            foreach (var (wait, value, preview) in Script)
            {
                Clock.Advance(wait);
                context.ReportProgress(value, 1000, preview ? new PreviewImage(PreviewFormat.Jpeg, new byte[] { 0xFF, 0xD8 }) : null);
            }
            return ValueTask.FromResult(NodeOutput.Empty);
        }
    }

    private sealed class Recorder : IgnoringEvents
    {
        public List<(double Value, bool Preview)> Forwarded { get; } = [];
        public override void Progress(ExecutionScope scope, NodeProgress node, double value, double max, PreviewImage? preview) =>
            Forwarded.Add((value, preview is not null));
    }

    [Fact]
    public async Task Updates_are_forwarded_as_ComfyUIs_progress_bar_forwards_them()
    {
        Probe.Script =
        [
            (0, 1, false),      // first: out
            (50, 100, false),   // 50 ms later: held
            (100, 101, false),  // 150 ms and 10 % after the last one out: out
            (200, 103, false),  // 0.2 %: held however long it took
            (0, 104, true),     // a preview: out at once
            (0, 105, true),     // and again
            (99, 500, false),   // 99 ms: held however far it went
            (1, 501, false),    // 100 ms and 39.7 %: out
            (0, 1000, false),   // the total: out
        ];
        var registry = new NodeRegistry().Add<Probe>();
        var events = new Recorder();
        var executor = new PromptExecutor(registry, OutputCache.None(), events, Probe.Clock);
        var folder = Path.Combine(Path.GetTempPath(), "comfysharp-engine-tests", Guid.NewGuid().ToString("N"));
        try
        {
            var prompt = new JsonObject { ["1"] = new JsonObject { ["class_type"] = "ThrottleProbe", ["inputs"] = new JsonObject() } };
            var outcome = await executor.ExecuteAsync("p", prompt, new JsonObject(),
                [new PromptNode("1", "ThrottleProbe", new Dictionary<string, object?>())], ["1"], EngineFolders.Under(folder),
                TestContext.Current.CancellationToken);
            Assert.Equal(ExecutionStatus.Success, outcome.Status);
            Assert.Equal([(1, false), (101, false), (104, true), (105, true), (501, false), (1000, false)], events.Forwarded);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}
