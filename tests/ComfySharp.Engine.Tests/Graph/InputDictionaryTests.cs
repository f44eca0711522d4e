using ComfySharp.Engine.Graph;
using ComfySharp.Engine.Nodes;

namespace ComfySharp.Engine.Tests.Graph;

public sealed class InputDictionaryTests
{
    [Fact]
    public void A_node_keeps_its_inputs_in_the_given_order_with_links_and_nulls()
    {
        var node = new PromptNode("1", "X", new Dictionary<string, object?> { ["b"] = new NodeLink("2", 1), ["a"] = null, ["c"] = 3L });
        var inputs = node.Inputs;

        Assert.Equal(3, inputs.Count);
        Assert.Equal(["b", "a", "c"], inputs.Keys);
        Assert.Equal([new NodeLink("2", 1), null, 3L], inputs.Values);
        Assert.True(inputs.TryGetValue("a", out var a));
        Assert.Null(a);
        Assert.False(inputs.TryGetValue("z", out _));
        Assert.True(inputs.ContainsKey("c"));
        Assert.Equal(3L, inputs["c"]);
        Assert.Throws<KeyNotFoundException>(() => inputs["z"]);
        Assert.Equal(new NodeLink("2", 1), inputs.GetValueOrDefault("b"));
        var names = new List<string>();
        foreach (var (name, _) in inputs) names.Add(name);
        Assert.Equal(["b", "a", "c"], names);
        Assert.True(inputs.TryGetLinkAt(0, out var link));
        Assert.Equal(new NodeLink("2", 1), link);
        Assert.False(inputs.TryGetLinkAt(2, out _));
        Assert.Empty(new PromptNode("2", "X", new Dictionary<string, object?>()).Inputs);
        Assert.Empty(InputDictionary.Empty.Keys);
    }
}
