using ComfySharp.Engine.Graph;
using ComfySharp.Engine.Nodes;

namespace ComfySharp.Engine.Execution;

/// <summary>One node's invocation: the gathered input lists and the per-call arguments built from them.</summary>
internal sealed class NodeCalls(PromptNode node, NodeDefinition definition, Dictionary<string, IReadOnlyList<object?>> inputs)
{
    public PromptNode Node { get; } = node;
    public NodeDefinition Definition { get; } = definition;
    public Dictionary<string, IReadOnlyList<object?>> Inputs { get; } = inputs;

    /// <summary>
    /// ComfyUI's list mapping: an INPUT_IS_LIST node gets whole lists in one call; otherwise one call per element of the
    /// longest list, shorter lists repeating their last element; no inputs means one call.
    /// </summary>
    public List<NodeArgs> BuildArgs(Dictionary<string, object?> hidden)
    {
        if (Definition.Schema.InputIsList)
        {
            var all = new Dictionary<string, object?>(Inputs.Count + hidden.Count, StringComparer.Ordinal);
            foreach (var (name, list) in Inputs) all[name] = list;
            foreach (var (name, value) in hidden) all[name] = value;
            return [new NodeArgs(all)];
        }

        var count = 0;
        foreach (var list in Inputs.Values) count = Math.Max(count, list.Count);
        if (count == 0) count = 1;
        var calls = new List<NodeArgs>(count);
        for (var i = 0; i < count; i++)
        {
            var args = new Dictionary<string, object?>(Inputs.Count + hidden.Count, StringComparer.Ordinal);
            foreach (var (name, list) in Inputs)
            {
                if (list.Count == 0) continue;
                args[name] = list[i < list.Count ? i : list.Count - 1];
            }
            foreach (var (name, value) in hidden) args[name] = value;
            calls.Add(new NodeArgs(args));
        }
        return calls;
    }

    /// <summary>The first blocker among a call's arguments (inside lists too, for list nodes).</summary>
    public static ExecutionBlocker? FindBlocker(NodeArgs args, bool inputIsList)
    {
        foreach (var value in args.Values.Values)
        {
            if (value is ExecutionBlocker b) return b;
            if (inputIsList && value is IReadOnlyList<object?> list)
            {
                foreach (var element in list)
                {
                    if (element is ExecutionBlocker eb) return eb;
                }
            }
        }
        return null;
    }
}
