using System.Text.Json.Nodes;
using ComfySharp.Engine.Nodes;
using ComfySharp.Nodes.Core;
using ComfySharp.Nodes.Testing;

namespace ComfySharp.Engine.Tests.NodePacks;

/// <summary>Spot checks of /object_info against what ComfyUI writes for the same classes.</summary>
public sealed class NodePackObjectInfoTests
{
    // Read back from text, as a client reads it.
    private static readonly JsonNode All = JsonNode.Parse(ObjectInfo.All(new NodeRegistry().AddCoreNodes().AddTestingNodes()).ToJsonString())!;

    private static JsonNode Info(string node) => All[node]!;

    private static JsonNode Required(string node, string input) => Info(node)["input"]!["required"]![input]!;

    [Fact]
    public void V3_inputs_carry_only_the_options_ComfyUI_sets()
    {
        // io.Int.Input("value", min=-sys.maxsize, max=sys.maxsize, control_after_generate=True): no default.
        var value = Required("PrimitiveInt", "value")[1]!;
        Assert.Null(value["default"]);
        Assert.Equal(-9223372036854775807L, (long)value["min"]!);
        Assert.Equal(9223372036854775807L, (long)value["max"]!);
        Assert.True((bool)value["control_after_generate"]!);
        // io.String.Input always writes multiline.
        Assert.False((bool)Required("PrimitiveString", "value")[1]!["multiline"]!);
        Assert.True((bool)Required("PrimitiveStringMultiline", "value")[1]!["multiline"]!);
        var delimiter = Required("StringConcatenate", "delimiter")[1]!;
        Assert.Equal("", (string?)delimiter["default"]);
        Assert.False((bool)delimiter["multiline"]!);
        // io.Int.Input("start"): no options at all.
        Assert.Single(Required("StringSubstring", "start").AsArray());
    }

    [Fact]
    public void Core_names_categories_and_outputs_match_ComfyUI()
    {
        Assert.Equal("Concatenate", (string?)Info("StringConcatenate")["display_name"]);
        Assert.Equal("utils/string", (string?)Info("StringConcatenate")["category"]);
        Assert.Equal("comfy_extras.nodes_string", (string?)Info("RegexReplace")["python_module"]);
        Assert.Equal("Find and replace text using regex patterns.", (string?)Info("RegexReplace")["description"]);
        Assert.Equal(["case_insensitive", "multiline", "dotall", "count"], Names(Info("RegexReplace")["input_order"]!["optional"]!));
        Assert.Equal("length", (string?)Info("StringLength")["output_name"]![0]);
        Assert.Equal("contains", (string?)Info("StringContains")["output_name"]![0]);
        Assert.Equal("matches", (string?)Info("RegexMatch")["output_name"]![0]);
        Assert.Equal(["UPPERCASE", "lowercase", "Capitalize", "Title Case"], Names(Required("CaseConverter", "mode")[0]!));

        var preview = Info("PreviewAny");
        Assert.True((bool)preview["output_node"]!);
        Assert.Empty(preview["output"]!.AsArray());
        Assert.Equal("utils", (string?)preview["category"]);
        Assert.Equal("*", (string?)Required("PreviewAny", "source")[0]);
    }

    [Fact]
    public void Test_pack_options_match_ComfyUI()
    {
        Assert.True((bool)Required("TestLazyMixImages", "image1")[1]!["lazy"]!);
        Assert.Equal("BOOL", (string?)Info("TestCustomIsChanged")["input"]!["optional"]!["should_change"]![0]);
        Assert.True((bool)Required("TestWhileLoopClose", "flow_control")[1]!["rawLink"]!);
        Assert.True((bool)Required("TestWhileLoopClose", "condition")[1]!["forceInput"]!);
        Assert.Equal("DYNPROMPT", (string?)Info("TestWhileLoopClose")["input"]!["hidden"]!["dynprompt"]);
        Assert.Equal("UNIQUE_ID", (string?)Info("TestWhileLoopClose")["input"]!["hidden"]!["unique_id"]);
        Assert.True((bool)Info("TestForLoopClose")["input"]!["optional"]!["initial_value1"]![1]!["rawLink"]!);
        Assert.Equal(1e38, (double)Required("StubFloat", "value")[1]!["max"]!);
        Assert.Equal(-1e38, (double)Required("StubFloat", "value")[1]!["min"]!);
        Assert.Equal(18446744073709551615UL, (ulong)Required("TestIntMathOperation", "a")[1]!["max"]!);
        Assert.Equal(["WHITE", "BLACK", "NOISE"], Names(Required("StubImage", "content")[0]!));
        Assert.Equal("The amount of seconds to sleep.", (string?)Required("TestSleep", "seconds")[1]!["tooltip"]);
    }

    [Fact]
    public void Test_pack_outputs_and_list_flags_match_ComfyUI()
    {
        var forOpen = Info("TestForLoopOpen");
        Assert.Equal(["FLOW_CONTROL", "INT", "*", "*", "*", "*"], Names(forOpen["output"]!));
        Assert.Equal(["flow_control", "remaining", "value1", "value2", "value3", "value4"], Names(forOpen["output_name"]!));
        Assert.Equal(["FLOW_CONTROL", "value0", "value1", "value2", "value3", "value4"], Names(Info("TestWhileLoopOpen")["output_name"]!));
        Assert.Equal(["output"], Names(Info("TestExecutionBlocker")["output_name"]!));
        Assert.True((bool)Info("TestMakeListNode")["output_is_list"]![0]!);
        Assert.True((bool)Info("TestAccumulationToListNode")["output_is_list"]![0]!);
        Assert.True((bool)Info("TestListToAccumulationNode")["is_input_list"]!);
        Assert.False((bool)Info("TestAccumulateNode")["is_input_list"]!);
        foreach (var output in (string[])["TestParallelSleep", "TestOutputNodeWithSocketOutput"]) Assert.True((bool)Info(output)["output_node"]!);
        Assert.False((bool)Info("TestSleep")["output_node"]!);
        Assert.Equal("_for_testing/async", (string?)Info("TestAsyncProgressUpdate")["category"]);
        Assert.Equal("Async Progress Update Test Node", (string?)Info("TestAsyncProgressUpdate")["display_name"]);
    }

    private static List<string> Names(JsonNode array) => array.AsArray().Select(n => (string)n!).ToList();
}
