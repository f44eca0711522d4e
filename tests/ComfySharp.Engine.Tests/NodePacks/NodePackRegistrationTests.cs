using System.Text.Json.Nodes;
using ComfySharp.Engine.Nodes;
using ComfySharp.Nodes.Core;
using ComfySharp.Nodes.Testing;

namespace ComfySharp.Engine.Tests.NodePacks;

public sealed class NodePackRegistrationTests
{
    // comfy_extras/nodes_primitive.py, nodes_string.py and nodes_preview_any.py.
    private static readonly string[] CoreClasses =
    [
        "PrimitiveString", "PrimitiveStringMultiline", "PrimitiveInt", "PrimitiveFloat", "PrimitiveBoolean",
        "StringConcatenate", "StringSubstring", "StringLength", "CaseConverter", "StringTrim", "StringReplace", "StringContains",
        "StringCompare", "RegexMatch", "RegexExtract", "RegexReplace", "PreviewAny",
    ];

    // The NODE_CLASS_MAPPINGS of every file of tests/execution/testing_nodes/testing-pack.
    private static readonly string[] TestingClasses =
    [
        "TestLazyMixImages", "TestVariadicAverage", "TestCustomIsChanged", "TestIsChangedWithConstants", "TestCustomValidation1",
        "TestCustomValidation2", "TestCustomValidation3", "TestCustomValidation4", "TestCustomValidation5", "TestDynamicDependencyCycle",
        "TestMixedExpansionReturns", "TestSamplingInExpansion", "TestSleep", "TestParallelSleep", "TestOutputNodeWithSocketOutput",
        "TestWhileLoopOpen", "TestWhileLoopClose", "TestExecutionBlocker",
        "TestAccumulateNode", "TestAccumulationHeadNode", "TestAccumulationTailNode", "TestAccumulationToListNode",
        "TestListToAccumulationNode", "TestAccumulationGetLengthNode", "TestAccumulationGetItemNode", "TestAccumulationSetItemNode",
        "TestForLoopOpen", "TestForLoopClose", "TestIntMathOperation", "TestMakeListNode",
        "TestIntConditions", "TestFloatConditions", "TestStringConditions", "TestToBoolNode", "TestBoolOperationNode",
        "StubImage", "StubConstantImage", "StubMask", "StubInt", "StubFloat",
        "TestAsyncValidation", "TestAsyncError", "TestAsyncValidationError", "TestAsyncTimeout", "TestSyncError", "TestAsyncLazyCheck",
        "TestDynamicAsyncGeneration", "TestAsyncResourceUser", "TestAsyncBatchProcessing", "TestAsyncConcurrentLimit",
        "TestAsyncProgressUpdate", "TestSyncProgressUpdate",
    ];

    private static readonly string[] CoreModules = ["comfy_extras.nodes_primitive", "comfy_extras.nodes_string", "comfy_extras.nodes_preview_any"];

    [Fact]
    public void Core_pack_registers_every_ComfyUI_class_once()
    {
        var registry = new NodeRegistry().AddCoreNodes();
        Assert.Equal(Sorted(CoreClasses), Sorted(ClassTypes(registry)));
        Assert.All(registry.All, d => Assert.Contains(d.Schema.PythonModule, CoreModules));
    }

    [Fact]
    public void Testing_pack_registers_every_ComfyUI_class_once()
    {
        var registry = new NodeRegistry().AddTestingNodes();
        Assert.Equal(Sorted(TestingClasses), Sorted(ClassTypes(registry)));
        Assert.All(registry.All, d => Assert.Equal("custom_nodes.testing-pack", d.Schema.PythonModule));
    }

    [Fact]
    public void Both_packs_share_a_registry_without_duplicates()
    {
        var registry = new NodeRegistry().AddCoreNodes().AddTestingNodes();
        var names = ClassTypes(registry);
        Assert.Equal(CoreClasses.Length + TestingClasses.Length, names.Count);
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        foreach (var name in names) Assert.True(registry.TryGet(name, out _), name);
    }

    [Fact]
    public void Registering_a_pack_twice_fails()
    {
        Assert.Throws<InvalidOperationException>(() => new NodeRegistry().AddCoreNodes().AddCoreNodes());
        Assert.Throws<InvalidOperationException>(() => new NodeRegistry().AddTestingNodes().AddTestingNodes());
    }

    [Fact]
    public void Every_schema_is_well_formed()
    {
        var problems = new List<string>();
        foreach (var definition in new NodeRegistry().AddCoreNodes().AddTestingNodes().All) problems.AddRange(SchemaProblems(definition));
        Assert.Empty(problems);
    }

    [Fact]
    public void Every_schema_writes_object_info()
    {
        foreach (var definition in new NodeRegistry().AddCoreNodes().AddTestingNodes().All)
        {
            var info = JsonNode.Parse(ObjectInfo.Node(definition.Schema).ToJsonString())!;
            Assert.Equal(definition.ClassType, (string?)info["name"]);
            Assert.NotNull(info["input"]!["required"]);
            Assert.Equal(definition.Schema.Outputs.Count, info["output"]!.AsArray().Count);
            Assert.Equal(definition.Schema.Outputs.Count, info["output_name"]!.AsArray().Count);
        }
    }

    private static IEnumerable<string> SchemaProblems(NodeDefinition definition)
    {
        var schema = definition.Schema;
        var node = schema.Name;
        if (string.IsNullOrWhiteSpace(node)) yield return "a schema has no name";
        if (string.IsNullOrWhiteSpace(schema.Category)) yield return $"{node}: no category";
        if (string.IsNullOrWhiteSpace(schema.DisplayName)) yield return $"{node}: no display name";
        if (string.IsNullOrWhiteSpace(schema.PythonModule)) yield return $"{node}: no python_module";

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in schema.Inputs)
        {
            var where = $"{node}.{input.Name}";
            if (string.IsNullOrWhiteSpace(input.Name)) yield return $"{node}: an input has no name";
            if (!names.Add(input.Name)) yield return $"{where}: declared twice";
            if (string.IsNullOrWhiteSpace(input.Type)) yield return $"{where}: no type";
            foreach (var problem in OptionProblems(input, where)) yield return problem;
        }

        foreach (var output in schema.Outputs)
        {
            if (string.IsNullOrWhiteSpace(output.Type) || string.IsNullOrWhiteSpace(output.Name)) yield return $"{node}: an output lacks a type or name";
        }

        if (schema.ValidatedInputs is { } validated)
        {
            foreach (var name in validated)
            {
                if (schema.FindInput(name) is not { Section: not InputSection.Hidden }) yield return $"{node}: validates undeclared input {name}";
            }
        }
        if ((schema.ValidatedInputs is not null || schema.ValidatesInputTypes) && definition.Validate is null)
        {
            yield return $"{node}: declares validator arguments but has no validator";
        }
        if (definition.HasLazyCheck && !definition.HasLazyInputs) yield return $"{node}: checks lazy inputs but declares none";
    }

    private static IEnumerable<string> OptionProblems(InputSpec input, string where)
    {
        if (input.Section == InputSection.Hidden)
        {
            // TestForLoopOpen's initial_value0 is the one hidden input that is not a ComfyUI hidden kind: ("*",) under "hidden".
            if (input.Type is not (HiddenKind.Prompt or HiddenKind.ExtraPngInfo or HiddenKind.UniqueId or HiddenKind.DynPrompt or "*"))
            {
                yield return $"{where}: unknown hidden type {input.Type}";
            }
            if (input.Default is not null || input.Min is not null || input.Max is not null || input.Lazy) yield return $"{where}: hidden with widget options";
            yield break;
        }

        if (input.Choices is { } choices)
        {
            if (input.Type != "COMBO") yield return $"{where}: choices on a {input.Type} input";
            if (choices.Count == 0) yield return $"{where}: a combo without choices";
            if (choices.Distinct(StringComparer.Ordinal).Count() != choices.Count) yield return $"{where}: repeated choices";
            if (input.Default is not null && (input.Default.GetValueKind() != System.Text.Json.JsonValueKind.String
                || !choices.Contains((string)input.Default!)))
            {
                yield return $"{where}: default {input.Default.ToJsonString()} is not a choice";
            }
        }
        else if (input.Type == "COMBO")
        {
            yield return $"{where}: a COMBO without choices";
        }

        if (input.Min is { } min && input.Max is { } max && min > max) yield return $"{where}: min {min} > max {max}";
        if (input.Step is { } step && step <= 0) yield return $"{where}: step {step}";
        if ((input.Min is not null || input.Max is not null || input.Step is not null) && input.Type is not ("INT" or "FLOAT"))
        {
            yield return $"{where}: numeric options on a {input.Type} input";
        }

        if (input.Default is not { } value) yield break;
        var kind = value.GetValueKind();
        switch (input.Type)
        {
            case "INT":
                if (kind != System.Text.Json.JsonValueKind.Number || !decimal.TryParse(value.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture, out var i)
                    || i != decimal.Truncate(i))
                {
                    yield return $"{where}: INT default {value.ToJsonString()}";
                }
                else if (i < input.Min || i > input.Max)
                {
                    yield return $"{where}: default {i} outside [{input.Min}, {input.Max}]";
                }
                break;
            case "FLOAT":
                if (kind != System.Text.Json.JsonValueKind.Number) yield return $"{where}: FLOAT default {value.ToJsonString()}";
                else if ((double)value < (double?)input.Min || (double)value > (double?)input.Max)
                {
                    yield return $"{where}: default {value.ToJsonString()} outside [{input.Min}, {input.Max}]";
                }
                break;
            case "STRING":
                if (kind != System.Text.Json.JsonValueKind.String) yield return $"{where}: STRING default {value.ToJsonString()}";
                break;
            case "BOOLEAN" or "BOOL":
                if (kind is not (System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False)) yield return $"{where}: boolean default {value.ToJsonString()}";
                break;
        }
    }

    private static List<string> ClassTypes(NodeRegistry registry) => registry.All.Select(d => d.ClassType).ToList();

    private static List<string> Sorted(IEnumerable<string> names) => names.Order(StringComparer.Ordinal).ToList();
}
