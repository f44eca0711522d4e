using ComfySharp.Engine.Graph;
using ComfySharp.Engine.Nodes;

namespace ComfySharp.Engine.Execution;

/// <summary>One node's invocation: the gathered input lists and the per-call arguments built from them.</summary>
internal readonly struct NodeCalls(int index, PromptNode node, NodeDefinition definition, GatheredInputs inputs)
{
    /// <summary>The node's index in the graph.</summary>
    public int Index { get; } = index;
    public PromptNode Node { get; } = node;
    public NodeDefinition Definition { get; } = definition;
    public GatheredInputs Inputs { get; } = inputs;

    /// <summary>
    /// ComfyUI's list mapping: an INPUT_IS_LIST node gets whole lists in one call; otherwise one call per element of the
    /// longest list, shorter lists repeating their last element; no inputs means one call.
    /// </summary>
    public CallArgs BuildArgs(Dictionary<string, object?> hidden)
    {
        var inputs = Inputs;
        if (Definition.Schema.InputIsList)
        {
            var all = new KeyValuePair<string, object?>[inputs.Count + hidden.Count];
            for (var i = 0; i < inputs.Count; i++) all[i] = new(inputs.Name(i), inputs.List(i));
            AddHidden(all, inputs.Count, hidden);
            return new CallArgs(NodeArgs.FromEntries(all));
        }

        var count = 0;
        var present = 0; // inputs with at least one element; an empty list leaves its input absent
        for (var i = 0; i < inputs.Count; i++)
        {
            var length = inputs.Length(i);
            count = Math.Max(count, length);
            if (length > 0) present++;
        }
        if (count <= 1) return new CallArgs(Call(0, present, hidden));
        var calls = new NodeArgs[count];
        for (var c = 0; c < count; c++) calls[c] = Call(c, present, hidden);
        return new CallArgs(calls);
    }

    private NodeArgs Call(int call, int present, Dictionary<string, object?> hidden)
    {
        var inputs = Inputs;
        var args = new KeyValuePair<string, object?>[present + hidden.Count];
        var n = 0;
        for (var i = 0; i < inputs.Count; i++)
        {
            var length = inputs.Length(i);
            if (length == 0) continue;
            args[n++] = new(inputs.Name(i), inputs.Element(i, call < length ? call : length - 1));
        }
        AddHidden(args, n, hidden);
        return NodeArgs.FromEntries(args);
    }

    // Names stay distinct: HiddenValues leaves out the hidden inputs the prompt gives (those were gathered).
    private static void AddHidden(KeyValuePair<string, object?>[] args, int start, Dictionary<string, object?> hidden)
    {
        foreach (var entry in hidden) args[start++] = entry;
    }

    /// <summary>The first blocker among a call's arguments (inside lists too, for list nodes).</summary>
    public static ExecutionBlocker? FindBlocker(NodeArgs args, bool inputIsList)
    {
        foreach (var (_, value) in args.Entries)
        {
            if (value is ExecutionBlocker b) return b;
            if (inputIsList && value is IReadOnlyList<object?> list)
            {
                for (var i = 0; i < list.Count; i++)
                {
                    if (list[i] is ExecutionBlocker eb) return eb;
                }
            }
        }
        return null;
    }
}
