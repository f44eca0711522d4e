using System.Text;
using System.Text.Json.Nodes;

namespace ComfySharp.Engine.Validation;

public sealed partial class PromptValidator
{
    /// <summary>
    /// Finds static dependency cycles among the nodes reachable from the outputs (iterative Tarjan) and reports
    /// <c>dependency_cycle</c> on every node of each cycle, as ComfyUI v0.26 does.
    /// </summary>
    private static void MarkCycles(List<NodeEntry> outputs, Dictionary<string, NodeEntry> byId)
    {
        var sccStack = new Stack<NodeEntry>();
        var counter = 0;
        var work = new Stack<(NodeEntry Node, List<NodeEntry> Sources, int Next)>();

        foreach (var root in outputs)
        {
            if (root.CycleIndex >= 0) continue;
            Visit(root);
            while (work.Count > 0)
            {
                var (node, sources, next) = work.Pop();
                var descended = false;
                while (next < sources.Count)
                {
                    var w = sources[next++];
                    if (w.CycleIndex < 0)
                    {
                        work.Push((node, sources, next));
                        Visit(w);
                        descended = true;
                        break;
                    }
                    if (w.CycleOnStack) node.CycleLow = Math.Min(node.CycleLow, w.CycleIndex);
                }
                if (descended) continue;

                if (work.Count > 0)
                {
                    var parent = work.Peek().Node;
                    parent.CycleLow = Math.Min(parent.CycleLow, node.CycleLow);
                }
                if (node.CycleLow != node.CycleIndex) continue;

                if (sccStack.Peek() == node && !LinksTo(node, node, byId))
                {
                    // A component of one node without a self-link, the usual case: no list for it.
                    sccStack.Pop();
                    node.CycleOnStack = false;
                    continue;
                }
                var component = new List<NodeEntry>();
                NodeEntry member;
                do
                {
                    member = sccStack.Pop();
                    member.CycleOnStack = false;
                    component.Add(member);
                }
                while (member != node);
                if (component.Count > 1 || LinksTo(node, node, byId)) ReportCycle(component, byId);
            }
        }

        void Visit(NodeEntry n)
        {
            n.CycleIndex = n.CycleLow = counter++;
            sccStack.Push(n);
            n.CycleOnStack = true;
            work.Push((n, SourcesOf(n, byId), 0));
        }
    }

    private static bool LinksTo(NodeEntry from, NodeEntry to, Dictionary<string, NodeEntry> byId) => SourcesOf(from, byId).Contains(to);

    private static void ReportCycle(List<NodeEntry> component, Dictionary<string, NodeEntry> byId)
    {
        var members = new HashSet<NodeEntry>(component);
        var path = CyclePath(component[^1], members, byId);
        var text = new StringBuilder();
        var ids = new JsonArray();
        foreach (var n in path)
        {
            if (text.Length > 0) text.Append(" -> ");
            text.Append(n.Id).Append(" (").Append(n.Definition.ClassType).Append(')');
        }
        text.Append(" -> ").Append(path[0].Id).Append(" (").Append(path[0].Definition.ClassType).Append(')');
        foreach (var n in path) ids.Add(n.Id);
        foreach (var n in component)
        {
            n.InCycle = true;
            n.Errors.Add(ValidationErrors.DependencyCycle(n.Id, text.ToString(), (JsonArray)ids.DeepClone()));
        }
    }

    /// <summary>A shortest walk along links from <paramref name="start"/> back to itself inside the component.</summary>
    private static List<NodeEntry> CyclePath(NodeEntry start, HashSet<NodeEntry> members, Dictionary<string, NodeEntry> byId)
    {
        var previous = new Dictionary<NodeEntry, NodeEntry>();
        var queue = new Queue<NodeEntry>();
        queue.Enqueue(start);
        while (queue.Count > 0)
        {
            var n = queue.Dequeue();
            foreach (var s in SourcesOf(n, byId))
            {
                if (!members.Contains(s)) continue;
                if (s == start)
                {
                    var path = new List<NodeEntry> { n };
                    while (path[^1] != start) path.Add(previous[path[^1]]);
                    path.Reverse();
                    return path;
                }
                if (previous.TryAdd(s, n)) queue.Enqueue(s);
            }
        }
        return [start];
    }
}
