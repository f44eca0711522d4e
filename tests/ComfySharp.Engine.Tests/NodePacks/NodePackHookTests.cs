using ComfySharp.Engine.Nodes;
using ComfySharp.Nodes.Core;
using ComfySharp.Nodes.Testing;

namespace ComfySharp.Engine.Tests.NodePacks;

/// <summary>The static hooks (IS_CHANGED, VALIDATE_INPUTS, VariantSupport) as the validator and the cache call them.</summary>
public sealed class NodePackHookTests
{
    private static readonly NodeRegistry Registry = new NodeRegistry().AddCoreNodes().AddTestingNodes();

    private static NodeDefinition Definition(string classType) => Registry.TryGet(classType, out var d) ? d : throw new KeyNotFoundException(classType);

    private static NodeArgs Args(params (string Name, object? Value)[] values)
    {
        var dict = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, value) in values) dict[name] = value;
        return new NodeArgs(dict);
    }

    private static async Task<ValidationResult> ValidateAsync(string classType, NodeArgs constants, Dictionary<string, string>? types = null) =>
        await Definition(classType).Validate!(constants, types, TestContext.Current.CancellationToken);

    [Fact]
    public void Custom_is_changed_is_nan_when_asked_to_change_and_false_otherwise()
    {
        var fingerprint = Definition("TestCustomIsChanged").Fingerprint!;
        Assert.True(fingerprint(Args(("should_change", true))) is double d && double.IsNaN(d));
        Assert.Equal(false, fingerprint(Args(("should_change", false))));
        Assert.Equal(false, fingerprint(Args()));
        // Only constants reach a fingerprint: with the image linked (absent), it is the value.
        Assert.Equal(0.5, Definition("TestIsChangedWithConstants").Fingerprint!(Args(("value", 0.5))));
        Assert.Null(Definition("PreviewAny").Fingerprint);
    }

    [Fact]
    public async Task Custom_validation_rejects_ints_and_strings_but_takes_floats_and_links()
    {
        Assert.True((await ValidateAsync("TestCustomValidation1", Args(("input1", 1.0), ("input2", 3.0)))).IsValid);
        Assert.True((await ValidateAsync("TestCustomValidation1", Args(("input1", null), ("input2", 3.0)))).IsValid);
        var failed = await ValidateAsync("TestCustomValidation1", Args(("input1", 5L), ("input2", 3.0)));
        Assert.False(failed.IsValid);
        Assert.Equal("Invalid type of input1: <class 'int'>", failed.Reason);
        Assert.Equal("Invalid type of input2: <class 'str'>", (await ValidateAsync("TestCustomValidation4", Args(("input1", 1.0), ("input2", "x")))).Reason);
        Assert.Equal("7s are not allowed. I've never liked 7s.", (await ValidateAsync("TestCustomValidation5", Args(("input1", 1.0), ("input2", 7.0)))).Reason);
        Assert.Null(Definition("TestCustomValidation5").Schema.ValidatedInputs);
    }

    [Fact]
    public async Task Input_types_validators_see_the_linked_types()
    {
        Assert.True((await ValidateAsync("TestCustomValidation2", Args(("input1", null)), new() { ["input1"] = "FLOAT" })).IsValid);
        var union = await ValidateAsync("TestCustomValidation2", Args(("input1", null)), new() { ["input1"] = "IMAGE,FLOAT" });
        Assert.Equal("Invalid type of input1: IMAGE,FLOAT", union.Reason);
        Assert.True(Definition("TestCustomValidation2").Schema.ValidatesInputTypes);
    }

    [Theory]
    [InlineData("FLOAT", true)]
    [InlineData("IMAGE,FLOAT", true)]
    [InlineData("*", true)]
    [InlineData("INT", false)]
    [InlineData("IMAGE,INT", false)]
    public async Task Variant_support_wants_a_subset_of_the_declared_union(string received, bool valid)
    {
        var result = await ValidateAsync("TestCustomValidation3", Args(), new() { ["input1"] = received });
        Assert.Equal(valid, result.IsValid);
        if (!valid) Assert.Equal($"Invalid type of input1: {received} (expected IMAGE,FLOAT)", result.Reason);
        var schema = Definition("TestCustomValidation3").Schema;
        Assert.Empty(schema.ValidatedInputs!);
        Assert.True(schema.ValidatesInputTypes);
    }

    [Fact]
    public void Variant_support_decorates_exactly_the_nodes_ComfyUI_decorates()
    {
        string[] decorated =
        [
            "TestCustomValidation3", "TestWhileLoopOpen", "TestWhileLoopClose", "TestExecutionBlocker", "TestAccumulateNode",
            "TestAccumulationHeadNode", "TestAccumulationToListNode", "TestListToAccumulationNode", "TestAccumulationGetLengthNode",
            "TestAccumulationGetItemNode", "TestAccumulationSetItemNode", "TestForLoopOpen", "TestForLoopClose", "TestMakeListNode",
        ];
        foreach (var definition in Registry.All)
        {
            var isVariant = definition.Schema.ValidatedInputs is { Count: 0 } && definition.Schema.ValidatesInputTypes;
            Assert.True(isVariant == decorated.Contains(definition.ClassType), definition.ClassType);
        }
    }

    [Fact]
    public async Task Async_validation_compares_with_the_threshold()
    {
        Assert.True((await ValidateAsync("TestAsyncValidation", Args(("value", 5.0), ("threshold", 10.0)))).IsValid);
        Assert.Equal("Value 15.0 exceeds threshold 10.0", (await ValidateAsync("TestAsyncValidation", Args(("value", 15.0), ("threshold", 10.0)))).Reason);
        Assert.Equal("Async validation failed: 15.0 > 10.0",
            (await ValidateAsync("TestAsyncValidationError", Args(("value", 15.0), ("max_value", 10.0)))).Reason);
    }
}
