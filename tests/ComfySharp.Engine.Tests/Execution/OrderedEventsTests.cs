using System.Text.Json.Nodes;
using ComfySharp.Engine.Execution;
using ComfySharp.Engine.Nodes;

namespace ComfySharp.Engine.Tests.Execution;

public sealed class OrderedEventsTests
{
    private static readonly ExecutionScope First = new("p1", "c");
    private static readonly ExecutionScope Second = new("p2", "c");

    [Fact]
    public void Events_pass_straight_through_when_nothing_is_held()
    {
        var log = new Recorder();
        var events = new OrderedEvents(log);
        events.ExecutionStart(First, 1);
        events.After(Task.CompletedTask, e => e.ExecutionDone(First));
        events.QueueChanged(3);
        Assert.Equal(["execution_start p1", "done p1", "status 3"], log.Lines);
    }

    [Fact]
    public void Events_raised_after_a_barrier_wait_for_it_and_keep_their_order()
    {
        var log = new Recorder();
        var events = new OrderedEvents(log);
        var commit = new TaskCompletionSource();
        events.After(commit.Task, e =>
        {
            e.QueueChanged(1);
            e.ExecutionDone(First);
        });
        events.QueueChanged(1);
        events.ExecutionStart(Second, 2);
        events.Executing(Second, "5", "5");
        Assert.Empty(log.Lines);

        commit.SetResult();
        Assert.Equal(["status 1", "done p1", "status 1", "execution_start p2", "executing p2 5"], log.Lines);
        events.ExecutionSuccess(Second, 3);
        Assert.Equal("execution_success p2", log.Lines[^1]);
    }

    [Fact]
    public void Barriers_release_in_the_order_they_were_placed_even_when_they_complete_out_of_order()
    {
        var log = new Recorder();
        var events = new OrderedEvents(log);
        var a = new TaskCompletionSource();
        var b = new TaskCompletionSource();
        events.After(a.Task, e => e.ExecutionDone(First));
        events.ExecutionStart(Second, 1);
        events.After(b.Task, e => e.ExecutionDone(Second));
        events.QueueChanged(0);

        b.SetResult();
        Assert.Empty(log.Lines);
        a.SetException(new IOException("disk full"));
        // A failed commit still releases its events: clients never wait for an announcement that never comes.
        Assert.Equal(["done p1", "execution_start p2", "done p2", "status 0"], log.Lines);
    }

    [Fact]
    public void A_held_progress_state_shows_the_nodes_as_they_were_when_raised()
    {
        var log = new Recorder();
        var events = new OrderedEvents(log);
        var commit = new TaskCompletionSource();
        events.After(commit.Task, _ => { });
        var node = new NodeProgress("1", "1", null, "1") { Value = 0, Max = 1 };
        events.ProgressState(Second, [node]);
        node.Value = 1;
        node.Finished = true;
        commit.SetResult();
        Assert.Equal(["progress_state p2 1:0/1"], log.Lines);
    }

    private sealed class Recorder : IExecutionEvents
    {
        public List<string> Lines { get; } = [];

        public void QueueChanged(int queueRemaining) => Lines.Add($"status {queueRemaining}");
        public void ExecutionStart(ExecutionScope scope, long timestamp) => Lines.Add($"execution_start {scope.PromptId}");
        public void ExecutionCached(ExecutionScope scope, IReadOnlyList<string> nodes, long timestamp) => Lines.Add($"cached {scope.PromptId}");
        public void Executing(ExecutionScope scope, string nodeId, string displayNodeId) => Lines.Add($"executing {scope.PromptId} {nodeId}");
        public void Progress(ExecutionScope scope, NodeProgress node, double value, double max, PreviewImage? preview) =>
            Lines.Add($"progress {scope.PromptId} {value}/{max}");
        public void ProgressState(ExecutionScope scope, IReadOnlyList<NodeProgress> nodes) =>
            Lines.Add($"progress_state {scope.PromptId} " + string.Join(",", nodes.Select(n => $"{n.NodeId}:{n.Value}/{n.Max}{(n.Finished ? "!" : "")}")));
        public void ProgressText(ExecutionScope scope, string nodeId, string text) => Lines.Add($"text {nodeId}");
        public void Executed(ExecutionScope scope, string nodeId, string displayNodeId, JsonObject? output) => Lines.Add($"executed {scope.PromptId} {nodeId}");
        public void ExecutionSuccess(ExecutionScope scope, long timestamp) => Lines.Add($"execution_success {scope.PromptId}");
        public void ExecutionError(ExecutionScope scope, JsonObject data, bool blocked) => Lines.Add($"error {scope.PromptId}");
        public void ExecutionInterrupted(ExecutionScope scope, JsonObject data) => Lines.Add($"interrupted {scope.PromptId}");
        public void ExecutionDone(ExecutionScope scope) => Lines.Add($"done {scope.PromptId}");
    }
}
