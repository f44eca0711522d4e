using ComfySharp.Engine.Caching;
using ComfySharp.Engine.Graph;
using ComfySharp.Engine.Nodes;

namespace ComfySharp.Engine.Tests.Caching;

public sealed class SignatureTableTests
{
    private sealed class Source : INode
    {
        public static NodeSchema Schema { get; } = new("SigSource") { Inputs = [Input.String("value")], Outputs = [Output.String()] };

        public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
            ValueTask.FromResult(NodeOutput.From(args.String("value")));
    }

    private sealed class Volatile : INode, IFingerprintInputs
    {
        public static NodeSchema Schema { get; } = new("SigVolatile") { Inputs = [Input.Boolean("change")], Outputs = [Output.String()] };

        public static object? Fingerprint(NodeArgs constants) => constants.BoolOrDefault("change", false) ? double.NaN : false;

        public ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct) =>
            ValueTask.FromResult(NodeOutput.From("v"));
    }

    private static readonly NodeRegistry Registry = new NodeRegistry().Add<Source>().Add<Volatile>();

    private static PromptNode Node(string id, string type, params (string Name, object? Value)[] inputs) =>
        new(id, type, inputs.ToDictionary(i => i.Name, i => i.Value));

    [Fact]
    public void Identical_subgraphs_under_different_ids_share_a_signature()
    {
        var graph = new DynamicPrompt([
            Node("1", "SigSource", ("value", "a")), Node("2", "SigSource", ("value", (object?)new NodeLink("1", 0))),
            Node("7", "SigSource", ("value", "a")), Node("8", "SigSource", ("value", (object?)new NodeLink("7", 0))),
            Node("9", "SigSource", ("value", "b")),
        ]);
        var table = new SignatureTable(Registry, graph);
        Assert.Equal(table.Get("2"), table.Get("8"));
        Assert.NotEqual(table.Get("1"), table.Get("9"));
    }

    [Fact]
    public void A_nan_fingerprint_never_matches_and_false_always_does()
    {
        var changing = new DynamicPrompt([Node("1", "SigVolatile", ("change", true))]);
        Assert.NotEqual(new SignatureTable(Registry, changing).Get("1"), new SignatureTable(Registry, changing).Get("1"));
        var stable = new DynamicPrompt([Node("1", "SigVolatile", ("change", false))]);
        Assert.Equal(new SignatureTable(Registry, stable).Get("1"), new SignatureTable(Registry, stable).Get("1"));
    }

    [Fact]
    public void A_deep_chain_is_hashed_without_recursion()
    {
        var nodes = new List<PromptNode> { Node("0", "SigSource", ("value", "x")) };
        for (var i = 1; i < 100_000; i++) nodes.Add(Node(i.ToString(), "SigSource", ("value", (object?)new NodeLink((i - 1).ToString(), 0))));
        var table = new SignatureTable(Registry, new DynamicPrompt(nodes));
        Assert.NotEqual(default, table.Get("99999"));
    }
}
