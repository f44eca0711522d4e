using System.Text.Json.Nodes;
using ComfySharp.Engine.Caching;
using ComfySharp.Engine.Execution;
using ComfySharp.Engine.Graph;
using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Queue;
using ComfySharp.Engine.Validation;
using Microsoft.Extensions.Logging.Abstractions;

namespace ComfySharp.Engine.Tests.Execution;

/// <summary>An exception that escapes the engine (not a node's) fails its prompt alone; the worker goes on with the next.</summary>
public sealed class WorkerFaultTests
{
    private sealed class Done : INode
    {
        public static NodeSchema Schema { get; } = new("FaultProbe", "testing") { OutputNode = true };

        public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) => ValueTask.FromResult(NodeOutput.Empty);
    }

    /// <summary>A sink that breaks when the prompt "boom" starts, as a faulty event sink would.</summary>
    private sealed class BreakingSink : IgnoringEvents
    {
        public readonly TaskCompletionSource<bool> OkDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly List<string> Errors = [];

        public override void ExecutionStart(ExecutionScope scope, long timestamp)
        {
            if (scope.PromptId == "boom") throw new InvalidOperationException("the sink broke");
        }

        public override void ExecutionError(ExecutionScope scope, JsonObject data, bool blocked)
        {
            lock (Errors) Errors.Add(scope.PromptId + ": " + (string?)data["exception_message"]);
        }

        public override void ExecutionDone(ExecutionScope scope)
        {
            if (scope.PromptId == "ok") OkDone.TrySetResult(true);
        }
    }

    [Fact]
    public async Task A_fault_outside_the_nodes_fails_that_prompt_and_the_worker_runs_the_next()
    {
        var ct = TestContext.Current.CancellationToken;
        var registry = new NodeRegistry().Add<Done>();
        var sink = new BreakingSink();
        var events = new OrderedEvents(sink);
        var store = new InMemoryPromptStore();
        using var queue = new PromptQueue(store, events);
        var executor = new PromptExecutor(registry, OutputCache.None(), events, TimeProvider.System);
        var folder = Path.Combine(Path.GetTempPath(), "comfysharp-engine-tests", Guid.NewGuid().ToString("N"));
        var worker = new PromptWorker(queue, executor, new PromptValidator(registry), events, EngineFolders.Under(folder), TimeProvider.System,
            NullLogger<PromptWorker>.Instance);
        var prompt = new JsonObject { ["1"] = new JsonObject { ["class_type"] = "FaultProbe", ["inputs"] = new JsonObject() } };
        await queue.EnqueueAsync(new QueueItem(1, "boom", (JsonObject)prompt.DeepClone(), [], ["1"]), ct);
        await queue.EnqueueAsync(new QueueItem(2, "ok", (JsonObject)prompt.DeepClone(), [], ["1"]), ct);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var running = worker.RunAsync(stop.Token);
        try
        {
            // Whichever comes first: the second prompt done, or the worker ended (as it did, taking the server down).
            var first = await Task.WhenAny(sink.OkDone.Task, running).WaitAsync(ct);
            Assert.True(first == sink.OkDone.Task, $"the worker ended: {running.Exception?.GetBaseException().Message}");
            var boom = JsonNode.Parse((await store.GetHistoryAsync("boom", ct))!.Json)!;
            Assert.Equal("error", (string?)boom["status"]!["status_str"]);
            var error = boom["status"]!["messages"]!.AsArray().Select(m => m!.AsArray()).Single(m => (string?)m[0] == "execution_error")[1]!;
            Assert.Equal("The server failed while running this prompt: the sink broke\n", (string?)error["exception_message"]);
            Assert.Equal("System.InvalidOperationException", (string?)error["exception_type"]);
            Assert.Equal(["boom: The server failed while running this prompt: the sink broke\n"], sink.Errors);
            Assert.Equal("success", (string?)JsonNode.Parse((await store.GetHistoryAsync("ok", ct))!.Json)!["status"]!["status_str"]);
        }
        finally
        {
            await stop.CancelAsync();
            await running.ContinueWith(static _ => { }, TaskScheduler.Default); // observed above when it failed
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}
