using ComfySharp.Engine.Execution;
using ComfySharp.Engine.Graph;
using ComfySharp.Engine.Nodes;
using ComfySharp.Nodes.Core;

namespace ComfySharp.Engine.Tests.Execution;

/// <summary>The arguments the executor builds for a node's calls (protocol.md §6.3), without a dictionary per call.</summary>
public sealed class NodeCallsTests
{
    private static readonly NodeRegistry Registry = new NodeRegistry().AddCoreNodes();

    private static NodeCalls Calls(string classType, Action<GatheredInputs> gather)
    {
        Registry.TryGet(classType, out var definition);
        var inputs = new GatheredInputs();
        gather(inputs);
        return new NodeCalls(0, new PromptNode("1", classType, InputDictionary.Empty), definition, inputs);
    }

    [Fact]
    public void One_call_gets_each_constant_and_the_only_element_of_each_list()
    {
        var args = Calls("StringConcatenate", i =>
        {
            i.AddList("string_a", ["a"]);
            i.AddConstant("string_b", "b");
            i.AddConstant("delimiter", null);
        }).BuildArgs([]);

        Assert.Equal(1, args.Count);
        var call = args[0];
        Assert.Equal(["string_a", "string_b", "delimiter"], call.Names);
        Assert.Equal("a", call.String("string_a"));
        Assert.Equal("b", call["string_b"]);
        Assert.True(call.Has("delimiter"));
        Assert.Null(call["delimiter"]);
        Assert.False(call.Has("missing"));
        Assert.Throws<KeyNotFoundException>(() => call["missing"]);
        Assert.Equal("fallback", call.GetValueOrDefault("missing", "fallback"));
        Assert.Equal(3, call.Values.Count);
        Assert.Equal("b", call.Values["string_b"]);
    }

    [Fact]
    public void Lists_map_over_calls_shorter_ones_repeat_their_last_element_and_empty_ones_are_absent()
    {
        var args = Calls("StringConcatenate", i =>
        {
            i.AddList("string_a", ["a0", "a1", "a2"]);
            i.AddList("string_b", ["b0"]);
            i.AddList("delimiter", []);
        }).BuildArgs(new() { ["hidden"] = 7L });

        Assert.Equal(3, args.Count);
        for (var c = 0; c < 3; c++)
        {
            Assert.Equal(["string_a", "string_b", "hidden"], args[c].Names);
            Assert.Equal($"a{c}", args[c]["string_a"]);
            Assert.Equal("b0", args[c]["string_b"]);
            Assert.Equal(7L, args[c]["hidden"]);
        }
    }

    [Fact]
    public void Blockers_are_found_in_arguments_and_inside_lists_of_list_nodes()
    {
        var blocker = new ExecutionBlocker("stop");
        var one = Calls("StringConcatenate", i => i.AddList("string_a", [blocker])).BuildArgs([]);
        Assert.Same(blocker, NodeCalls.FindBlocker(one[0], inputIsList: false));

        var inList = NodeArgs.FromEntries([new("values", (IReadOnlyList<object?>)["x", blocker])]);
        Assert.Null(NodeCalls.FindBlocker(inList, inputIsList: false));
        Assert.Same(blocker, NodeCalls.FindBlocker(inList, inputIsList: true));
    }

    [Fact]
    public void Gathered_inputs_report_constants_as_lists_of_one()
    {
        var inputs = new GatheredInputs();
        for (var i = 0; i < 20; i++) inputs.AddConstant("c" + i, i);
        inputs.AddList("l", ["x", "y"]);
        var all = inputs.ToDictionary();
        Assert.Equal(21, all.Count);
        Assert.Equal([5], all["c5"]);
        Assert.Equal(["x", "y"], all["l"]);
        inputs.Clear();
        Assert.Equal(0, inputs.Count);
    }
}
