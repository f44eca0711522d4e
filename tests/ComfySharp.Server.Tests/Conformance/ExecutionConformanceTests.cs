using System.Text.Json.Nodes;
using ComfySharp.Server.Hosting;
using ComfySharp.Server.Tests.Infrastructure;

namespace ComfySharp.Server.Tests.Conformance;

/// <summary>
/// The scenarios of ComfyUI's <c>tests/execution/test_execution.py</c> (protocol.md §8.2), re-expressed against
/// ComfySharp with the Testing pack, in every cache mode. <c>CsTestImageStats</c> stands in for SaveImage.
/// </summary>
public abstract class ExecutionConformanceTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private WsClient _ws = null!;
    private readonly string _clientId = Guid.NewGuid().ToString();

    protected abstract void Configure(ServerOptions options);

    protected abstract bool Caches { get; }

    public async ValueTask InitializeAsync()
    {
        _server = await TestServer.StartAsync(o =>
        {
            o.Ephemeral = true;
            Configure(o);
        });
        _ws = await _server.ConnectAsync(_clientId, TestContext.Current.CancellationToken);
        await _ws.ReceiveJsonAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _ws.DisposeAsync();
        await _server.DisposeAsync();
    }

    private static Graph NewGraph() => new(Guid.NewGuid().ToString("N")[..8] + "_");

    private async Task<RunResult> RunAsync(Graph g, IEnumerable<string>? partialTargets = null)
    {
        var ct = TestContext.Current.CancellationToken;
        var request = new JsonObject { ["prompt"] = g.Prompt.DeepClone(), ["client_id"] = _clientId };
        if (partialTargets is not null) request["partial_execution_targets"] = new JsonArray(partialTargets.Select(t => (JsonNode?)t).ToArray());
        var (status, body) = await _server.PostJsonAsync("/prompt", request, ct);
        if (status != 200) throw new HttpRequestException($"POST /prompt answered {status}: {body?.ToJsonString()}");
        var id = (string)body!["prompt_id"]!;
        var events = await _ws.CollectUntilDoneAsync(id, ct);
        if (Events.First(events, "execution_error") is { } error) throw new ExecutionFailedException(error["data"]!.AsObject());
        return new RunResult(events, await _server.HistoryAsync(id, ct));
    }

    private static Graph.Node Image(Graph g, string content, int size = 64) =>
        g.Add("StubImage", new { content, height = size, width = size, batch_size = 1 });

    private static Graph.Node Mask(Graph g, double value, int size = 64) =>
        g.Add("StubMask", new { value, height = size, width = size, batch_size = 1 });

    private static Graph.Node Save(Graph g, JsonArray images) => g.Add("CsTestImageStats").Set("images", images);

    private static void AssertUniform(JsonObject image, int value)
    {
        Assert.Equal(value, (int)image["min"]!);
        Assert.Equal(value, (int)image["max"]!);
    }

    [Fact]
    public async Task Lazy_input_not_needed_never_runs()
    {
        var g = NewGraph();
        var input1 = Image(g, "BLACK");
        var input2 = Image(g, "WHITE");
        var mask = Mask(g, 0.0);
        var mix = g.Add("TestLazyMixImages").Set("image1", input1.Out(0)).Set("image2", input2.Out(0)).Set("mask", mask.Out(0));
        var output = Save(g, mix.Out(0));
        var result = await RunAsync(g);
        AssertUniform(result.Images(output)[0], 0);
        Assert.True(result.DidRun(input1));
        Assert.False(result.DidRun(input2));
        Assert.True(result.DidRun(mask));
        Assert.True(result.DidRun(mix));
    }

    [Fact]
    public async Task Full_cache_runs_nothing_the_second_time()
    {
        var g = NewGraph();
        var mix = g.Add("TestLazyMixImages").Set("image1", Image(g, "BLACK").Out(0)).Set("image2", Image(g, "NOISE").Out(0))
            .Set("mask", Mask(g, 0.5).Out(0));
        Save(g, mix.Out(0));
        await RunAsync(g);
        var second = await RunAsync(g);
        if (Caches) Assert.Empty(second.RanNodes);
        else Assert.Equal(g.Prompt.Count, second.RanNodes.Count);
    }

    [Fact]
    public async Task Partial_cache_reruns_only_what_changed()
    {
        var g = NewGraph();
        var input1 = Image(g, "BLACK");
        var input2 = Image(g, "NOISE");
        var mask = Mask(g, 0.5);
        var mix = g.Add("TestLazyMixImages").Set("image1", input1.Out(0)).Set("image2", input2.Out(0)).Set("mask", mask.Out(0));
        Save(g, mix.Out(0));
        await RunAsync(g);
        mask.Set("value", 0.4);
        var second = await RunAsync(g);
        Assert.Equal(!Caches, second.DidRun(input1));
        Assert.Equal(!Caches, second.DidRun(input2));
        Assert.True(second.DidRun(mask));
    }

    [Fact]
    public async Task Mismatched_sizes_fail_with_an_execution_error_carrying_the_prompt_id()
    {
        var g = NewGraph();
        var mix = g.Add("TestLazyMixImages").Set("image1", Image(g, "BLACK", 64).Out(0)).Set("image2", Image(g, "NOISE", 32).Out(0))
            .Set("mask", Mask(g, 0.5, 64).Out(0));
        Save(g, mix.Out(0));
        var error = await Assert.ThrowsAsync<ExecutionFailedException>(() => RunAsync(g));
        Assert.NotNull(error.Details["prompt_id"]);
        Assert.Equal(mix.Id, (string?)error.Details["node_id"]);
    }

    [Theory]
    [InlineData(5, true)]
    [InlineData("foo", true)]
    [InlineData(5.0, false)]
    public async Task Custom_validation_of_literals(object value, bool rejected)
    {
        var g = NewGraph();
        var validation = g.Add("TestCustomValidation1").Set("input1", value).Set("input2", 3.0);
        Save(g, validation.Out(0));
        if (rejected) await Assert.ThrowsAsync<HttpRequestException>(() => RunAsync(g));
        else await RunAsync(g);
    }

    [Theory]
    [InlineData("StubInt", 5)]
    [InlineData("StubMask", 5.0)]
    public async Task Custom_validation_edge1_rejects_linked_values_of_the_wrong_type(string stubType, object value)
    {
        var g = NewGraph();
        var stub = g.Add(stubType).Set("value", value);
        if (stubType == "StubMask") stub.Set("height", 64).Set("width", 64).Set("batch_size", 1);
        Save(g, g.Add("TestCustomValidation1").Set("input1", stub.Out(0)).Set("input2", 3.0).Out(0));
        await Assert.ThrowsAsync<HttpRequestException>(() => RunAsync(g));
    }

    [Theory]
    [InlineData("TestCustomValidation2", "StubInt", true)]
    [InlineData("TestCustomValidation2", "StubFloat", false)]
    [InlineData("TestCustomValidation3", "StubInt", true)]
    [InlineData("TestCustomValidation3", "StubFloat", false)]
    [InlineData("TestCustomValidation4", "StubInt", true)]
    [InlineData("TestCustomValidation4", "StubFloat", false)]
    public async Task Custom_validation_edges_2_to_4(string validator, string stubType, bool rejected)
    {
        var g = NewGraph();
        var stub = g.Add(stubType).Set("value", stubType == "StubInt" ? 5 : 5.0);
        Save(g, g.Add(validator).Set("input1", stub.Out(0)).Set("input2", 3.0).Out(0));
        if (rejected) await Assert.ThrowsAsync<HttpRequestException>(() => RunAsync(g));
        else await RunAsync(g);
    }

    [Theory]
    [InlineData(0.0, 0.5, false)]
    [InlineData(0.0, 5.0, false)]
    [InlineData(0.0, 7.0, true)]
    public async Task Custom_validation_with_kwargs_skips_min_and_max(double value1, double value2, bool rejected)
    {
        var g = NewGraph();
        Save(g, g.Add("TestCustomValidation5").Set("input1", value1).Set("input2", value2).Out(0));
        if (rejected) await Assert.ThrowsAsync<HttpRequestException>(() => RunAsync(g));
        else await RunAsync(g);
    }

    [Fact]
    public async Task Static_cycle_is_rejected_at_validation()
    {
        var g = NewGraph();
        var input1 = Image(g, "BLACK");
        var input2 = Image(g, "WHITE");
        var mask = Mask(g, 0.5);
        var mix1 = g.Add("TestLazyMixImages").Set("image1", input1.Out(0)).Set("mask", mask.Out(0));
        var mix2 = g.Add("TestLazyMixImages").Set("image1", mix1.Out(0)).Set("image2", input2.Out(0)).Set("mask", mask.Out(0));
        mix1.Set("image2", mix2.Out(0));
        Save(g, mix2.Out(0));
        await Assert.ThrowsAsync<HttpRequestException>(() => RunAsync(g));
    }

    [Fact]
    public async Task Dynamic_cycle_fails_at_run_time_on_the_expanding_node()
    {
        var g = NewGraph();
        var generator = g.Add("TestDynamicDependencyCycle").Set("input1", Image(g, "BLACK").Out(0)).Set("input2", Image(g, "WHITE").Out(0));
        Save(g, generator.Out(0));
        var error = await Assert.ThrowsAsync<ExecutionFailedException>(() => RunAsync(g));
        Assert.Equal(generator.Id, (string?)error.Details["node_id"]);
    }

    [Fact]
    public async Task A_missing_node_drops_its_output_and_the_other_output_runs()
    {
        var g = NewGraph();
        var input1 = Image(g, "BLACK");
        var removed = g.Add("StubImage", new { content = "WHITE", height = 64, width = 64, batch_size = 1 }, id: g.Prompt.Count + "removeme");
        var input3 = Image(g, "WHITE");
        var mask = Mask(g, 0.5);
        var mix1 = g.Add("TestLazyMixImages").Set("image1", input1.Out(0)).Set("image2", removed.Out(0)).Set("mask", mask.Out(0));
        var mix2 = g.Add("TestLazyMixImages").Set("image1", input1.Out(0)).Set("image2", input3.Out(0)).Set("mask", mask.Out(0));
        Save(g, mix1.Out(0));
        var output2 = Save(g, mix2.Out(0));
        g.Remove(removed.Id);
        var result = await RunAsync(g);
        Assert.True(result.DidRun(output2));
        Assert.False(result.DidRun(mix1));

        g.Prompt[removed.Id] = removed.Json.DeepClone();
        await RunAsync(g);
    }

    [Fact]
    public async Task Custom_is_changed_false_caches_and_nan_always_reruns()
    {
        var g = NewGraph();
        var save = g.Add("CsTestImageStats");
        var isChanged = g.Add("TestCustomIsChanged").Set("should_change", false);
        var input1 = Image(g, "BLACK");
        save.Set("images", isChanged.Out(0));
        isChanged.Set("image", input1.Out(0));
        var result1 = await RunAsync(g);
        var result2 = await RunAsync(g);
        isChanged.Set("should_change", true);
        var result3 = await RunAsync(g);
        var result4 = await RunAsync(g);
        Assert.True(result1.DidRun(isChanged));
        Assert.Equal(!Caches, result2.DidRun(isChanged));
        Assert.True(result3.DidRun(isChanged));
        Assert.True(result4.DidRun(isChanged));
    }

    [Fact]
    public async Task Undeclared_linked_inputs_reach_variadic_nodes()
    {
        var g = NewGraph();
        var average = g.Add("TestVariadicAverage").Set("input1", Image(g, "BLACK").Out(0)).Set("input2", Image(g, "WHITE").Out(0))
            .Set("input3", Image(g, "BLACK").Out(0)).Set("input4", Image(g, "BLACK").Out(0));
        var output = Save(g, average.Out(0));
        var result = await RunAsync(g);
        AssertUniform(result.Images(output)[0], 255 / 4);
    }

    [Fact]
    public async Task For_loop_by_expansion()
    {
        var g = NewGraph();
        var input1 = Image(g, "BLACK");
        var input2 = Image(g, "WHITE");
        var isChanged = g.Add("TestCustomIsChanged").Set("should_change", true).Set("image", input2.Out(0));
        var open = g.Add("TestForLoopOpen").Set("remaining", 4).Set("initial_value1", isChanged.Out(0));
        var average = g.Add("TestVariadicAverage").Set("input1", input1.Out(0)).Set("input2", open.Out(2));
        var close = g.Add("TestForLoopClose").Set("flow_control", open.Out(0)).Set("initial_value1", average.Out(0));
        var output = Save(g, close.Out(0));
        for (var iterations = 1; iterations <= 4; iterations++)
        {
            open.Set("remaining", iterations);
            var result = await RunAsync(g);
            AssertUniform(result.Images(output)[0], 255 / (1 << iterations));
            Assert.True(result.DidRun(isChanged));
        }
    }

    [Fact]
    public async Task Mixed_expansion_returns_over_a_list()
    {
        var g = NewGraph();
        var list = g.Add("TestMakeListNode").Set("value1", 0.1).Set("value2", 0.2).Set("value3", 0.3);
        var mixed = g.Add("TestMixedExpansionReturns").Set("input1", list.Out(0));
        var dynamicOut = Save(g, mixed.Out(0));
        var literalOut = Save(g, mixed.Out(1));
        var result = await RunAsync(g);
        var dynamicImages = result.Images(dynamicOut);
        Assert.Equal(3, dynamicImages.Count);
        AssertUniform(dynamicImages[0], 25);
        AssertUniform(dynamicImages[1], 51);
        AssertUniform(dynamicImages[2], 76);
        var literalImages = result.Images(literalOut);
        Assert.Equal(3, literalImages.Count);
        foreach (var image in literalImages) AssertUniform(image, 255);
    }

    [Fact]
    public async Task One_source_feeds_two_outputs()
    {
        var g = NewGraph();
        var input1 = Image(g, "BLACK");
        var output1 = Save(g, input1.Out(0));
        var output2 = Save(g, input1.Out(0));
        var result = await RunAsync(g);
        Assert.Single(result.Images(output1));
        Assert.Single(result.Images(output2));
    }

    [Fact]
    public async Task Is_changed_sees_only_constants()
    {
        var g = NewGraph();
        var input1 = g.Add("StubConstantImage", new { value = 0.5, height = 64, width = 64, batch_size = 1 });
        var test = g.Add("TestIsChangedWithConstants").Set("image", input1.Out(0)).Set("value", 0.5);
        var output = Save(g, test.Out(0));
        var result = await RunAsync(g);
        AssertUniform(result.Images(output)[0], 63);
        result = await RunAsync(g);
        AssertUniform(result.Images(output)[0], 63);
        Assert.Equal(!Caches, result.DidRun(test));
    }

    [Fact]
    public async Task Async_nodes_run_at_the_same_time()
    {
        var g = NewGraph();
        var key = Guid.NewGuid().ToString();
        var a = g.Add("CsTestRendezvous").Set("key", key).Set("parties", 3).Set("index", 1);
        var b = g.Add("CsTestRendezvous").Set("key", key).Set("parties", 3).Set("index", 2);
        var c = g.Add("CsTestRendezvous").Set("key", key).Set("parties", 3).Set("index", 3);
        var result = await RunAsync(g);
        Assert.True(result.DidRun(a) && result.DidRun(b) && result.DidRun(c));
    }

    [Fact]
    public async Task Sleep_nodes_and_parallel_sleep_expansion_complete()
    {
        var g = NewGraph();
        var image = Image(g, "BLACK");
        var sleeps = Enumerable.Range(0, 3).Select(_ => g.Add("TestSleep").Set("value", image.Out(0)).Set("seconds", 0.05)).ToList();
        foreach (var sleep in sleeps) Save(g, sleep.Out(0));
        var result = await RunAsync(g);
        Assert.All(sleeps, s => Assert.True(result.DidRun(s)));

        g = NewGraph();
        var parallel = g.Add("TestParallelSleep").Set("image1", Image(g, "BLACK").Out(0)).Set("image2", Image(g, "WHITE").Out(0))
            .Set("image3", Image(g, "WHITE").Out(0)).Set("sleep1", 0.05).Set("sleep2", 0.05).Set("sleep3", 0.05);
        var output = Save(g, parallel.Out(0));
        result = await RunAsync(g);
        Assert.True(result.DidRun(parallel));
        Assert.Equal(170.0, (double)result.Images(output)[0]["mean"]!, 0);
    }

    [Fact]
    public async Task A_blocker_inside_a_list_blocks_only_that_element()
    {
        var g = NewGraph();
        var images = g.Add("TestMakeListNode").Set("value1", Image(g, "BLACK").Out(0)).Set("value2", Image(g, "WHITE").Out(0))
            .Set("value3", Image(g, "BLACK").Out(0));
        var ints = g.Add("TestMakeListNode").Set("value1", g.Add("StubInt").Set("value", 1).Out(0))
            .Set("value2", g.Add("StubInt").Set("value", 2).Out(0)).Set("value3", g.Add("StubInt").Set("value", 3).Out(0));
        var compare = g.Add("TestIntConditions").Set("a", ints.Out(0)).Set("b", 2).Set("operation", "==");
        var blocker = g.Add("TestExecutionBlocker").Set("input", images.Out(0)).Set("block", compare.Out(0)).Set("verbose", false);
        var list = g.Add("TestMakeListNode").Set("value1", blocker.Out(0));
        var output = Save(g, list.Out(0));
        var result = await RunAsync(g);
        Assert.True(result.DidRun(output));
        var saved = result.Images(output);
        Assert.Equal(2, saved.Count);
        AssertUniform(saved[0], 0);
        AssertUniform(saved[1], 0);
    }

    [Fact]
    public async Task Partial_execution_runs_only_the_targets_and_their_dependencies()
    {
        var g = NewGraph();
        var input1 = Image(g, "BLACK");
        var input2 = Image(g, "WHITE");
        var output1 = Save(g, input1.Out(0));
        var output2 = Save(g, input2.Out(0));
        var result = await RunAsync(g, [output1.Id]);
        Assert.True(result.WasExecuted(input1));
        Assert.True(result.WasExecuted(output1));
        Assert.False(result.DidRun(input2));
        Assert.False(result.DidRun(output2));
        Assert.Single(result.Images(output1));
        Assert.Empty(result.Images(output2));
    }

    [Fact]
    public async Task Partial_execution_runs_output_nodes_that_targets_depend_on()
    {
        var g = NewGraph();
        var input1 = Image(g, "BLACK");
        var input2 = Image(g, "WHITE");
        var node1 = g.Add("TestOutputNodeWithSocketOutput").Set("image", input1.Out(0)).Set("value", 1.5);
        var node2 = g.Add("TestOutputNodeWithSocketOutput").Set("image", node1.Out(0)).Set("value", 2.0);
        var save1 = Save(g, node1.Out(0));
        var save2 = Save(g, node2.Out(0));
        var save3 = Save(g, input2.Out(0));
        var result = await RunAsync(g, [save2.Id]);
        Assert.True(result.WasExecuted(input1));
        Assert.True(result.WasExecuted(node1));
        Assert.True(result.WasExecuted(node2));
        Assert.True(result.WasExecuted(save2));
        Assert.False(result.DidRun(input2));
        Assert.False(result.DidRun(save1));
        Assert.False(result.DidRun(save3));
    }

    [Fact]
    public async Task Partial_execution_with_lazy_nodes()
    {
        var g = NewGraph();
        var input1 = Image(g, "BLACK");
        var input2 = Image(g, "WHITE");
        var input3 = Image(g, "NOISE");
        var mask1 = Mask(g, 0.0);
        var mask2 = Mask(g, 0.5);
        var mix1 = g.Add("TestLazyMixImages").Set("image1", input1.Out(0)).Set("image2", input2.Out(0)).Set("mask", mask1.Out(0));
        var mix2 = g.Add("TestLazyMixImages").Set("image1", input2.Out(0)).Set("image2", input3.Out(0)).Set("mask", mask2.Out(0));
        var output1 = Save(g, mix1.Out(0));
        var output2 = Save(g, mix2.Out(0));
        var result = await RunAsync(g, [output1.Id]);
        Assert.True(result.WasExecuted(input1));
        Assert.False(result.DidRun(input2));
        Assert.True(result.WasExecuted(mix1));
        Assert.False(result.DidRun(input3));
        Assert.False(result.DidRun(mask2));
        Assert.False(result.DidRun(mix2));
        Assert.False(result.DidRun(output2));
    }
}

public sealed class ClassicCacheConformanceTests : ExecutionConformanceTests
{
    protected override void Configure(ServerOptions options)
    {
    }

    protected override bool Caches => true;
}

public sealed class LruCacheConformanceTests : ExecutionConformanceTests
{
    protected override void Configure(ServerOptions options) => options.CacheLru = 100;

    protected override bool Caches => true;
}

public sealed class NoCacheConformanceTests : ExecutionConformanceTests
{
    protected override void Configure(ServerOptions options) => options.CacheNone = true;

    protected override bool Caches => false;
}
