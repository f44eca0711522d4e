using ComfySharp.Client.Events;
using ComfySharp.Client.Workflows;

namespace ComfySharp.Cli;

/// <summary>Progress as plain lines, for output that is not a terminal (Spectre's live display prints nothing there).</summary>
internal sealed class PlainProgress(Workflow workflow) : IObserver<ComfyEvent>
{
    private readonly Lock _gate = new();

    public void OnNext(ComfyEvent value)
    {
        var line = value switch
        {
            ExecutionStartEvent s => $"started {s.Id}",
            ExecutionCachedEvent { Nodes.Count: > 0 } c => $"cached {string.Join(' ', c.Nodes)}",
            ExecutingEvent { Node: { } node } => $"node {node} {ClassOf(workflow, node)}",
            ProgressEvent p => $"progress {p.Node} {p.Value:0}/{p.Max:0}",
            ProgressTextEvent t => $"text {t.NodeId}: {t.Text}",
            ExecutionErrorEvent e => $"failed in node {e.Error.NodeId}",
            ExecutionInterruptedEvent => "interrupted",
            _ => null,
        };
        if (line is null) return;
        lock (_gate) Console.WriteLine(line);
    }

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }

    internal static string ClassOf(Workflow workflow, string node) => workflow[node]?.ClassType ?? "";
}
