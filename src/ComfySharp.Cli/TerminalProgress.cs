using ComfySharp.Client;
using ComfySharp.Client.Events;
using ComfySharp.Client.Workflows;
using Spectre.Console;

namespace ComfySharp.Cli;

/// <summary>A live progress bar per node and step on a terminal (Spectre.Console).</summary>
internal static class TerminalProgress
{
    public static async Task<PromptResult> RunAsync(ComfyClient client, Workflow workflow, bool download, CancellationToken ct)
    {
        PromptResult? result = null;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var observer = new Bars(context, workflow);
                result = await client.RunAsync(workflow, new RunOptions { DownloadImages = download, Observer = observer }, ct);
                observer.FinishAll();
            });
        return result!;
    }

    private sealed class Bars(ProgressContext context, Workflow workflow) : IObserver<ComfyEvent>
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<string, ProgressTask> _tasks = [];
        private string? _current;

        public void OnNext(ComfyEvent value)
        {
            lock (_gate)
            {
                switch (value)
                {
                    case ExecutingEvent { Node: { } node }:
                        Finish(_current);
                        _current = node;
                        Task(node);
                        break;
                    case ProgressEvent { Node: { } node } p when p.Max > 0:
                        var task = Task(node);
                        task.MaxValue = p.Max;
                        task.Value = p.Value;
                        break;
                    case ExecutionCachedEvent c:
                        foreach (var node in c.Nodes)
                        {
                            if (workflow[node] is not null) Task(node, cached: true).Value = 1;
                        }
                        break;
                    case ExecutingEvent { IsPromptDone: true } or ExecutionSuccessEvent:
                        Finish(_current);
                        break;
                }
            }
        }

        public void FinishAll()
        {
            lock (_gate) Finish(_current);
        }

        private ProgressTask Task(string node, bool cached = false)
        {
            if (_tasks.TryGetValue(node, out var task)) return task;
            var label = Markup.Escape($"{node} {PlainProgress.ClassOf(workflow, node)}{(cached ? " (cached)" : "")}");
            task = context.AddTask(label, maxValue: 1);
            _tasks[node] = task;
            return task;
        }

        private void Finish(string? node)
        {
            if (node is not null && _tasks.TryGetValue(node, out var task)) task.Value = task.MaxValue;
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }
    }
}
