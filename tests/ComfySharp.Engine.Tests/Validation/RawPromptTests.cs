using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Queue;
using ComfySharp.Engine.Validation;
using ComfySharp.Nodes.Core;
using ComfySharp.Nodes.Testing;

namespace ComfySharp.Engine.Tests.Validation;

/// <summary>
/// The tree-less way (<see cref="RawPrompt"/>, <see cref="PromptValidator.TryValidate"/>) against the full validator on
/// the JSON tree: what it accepts, the full way accepts with the same outputs, nodes and stored prompt; everything else
/// it leaves to the full way, which reports the errors.
/// </summary>
public sealed class RawPromptTests
{
    private static readonly PromptValidator Validator = new(new NodeRegistry().AddCoreNodes().AddTestingNodes());

    private const string Chain = """
        {"s": {"class_type": "PrimitiveString", "inputs": {"value": "x"}},
         "c": {"class_type": "StringConcatenate", "inputs": {"string_a": ["s", 0], "string_b": "y", "delimiter": ""}},
         "out": {"class_type": "PreviewAny", "inputs": {"source": ["c", 0]}}}
        """;

    [Theory]
    [InlineData(Chain)]
    // Titles, escapes, non-ASCII text, other node properties, undeclared inputs (constant and link), and an unreached
    // node whose inputs no validation reads (floats, -0, lists, objects, a link to nowhere).
    [InlineData("""
        { "1" : { "class_type" : "PrimitiveString", "_meta": {"title": "T\u00e9 \"1\"", "other": 1}, "inputs": {"value": "caf\u00e9 é \n"} },
          "2": {"is_changed": ["x"], "class_type": "StringConcatenate", "inputs": {"string_a": ["1", 0], "string_b": "", "delimiter": "-", "extra": 5, "more": ["1", 0]}},
          "3": {"class_type": "PreviewAny", "inputs": {"source": ["2", 0]}, "_meta": {"title": 7}},
          "9": {"class_type": "StringConcatenate", "inputs": {"string_a": 1.5, "string_b": -0, "delimiter": [1, 2, 3], "x": {"a": [1]}, "y": ["nowhere", 0], "z": null}} }
        """)]
    // Typed constants as the full way writes them back: ints, floats with their fraction, booleans, a combo.
    [InlineData("""
        {"i": {"class_type": "PrimitiveInt", "inputs": {"value": -12}},
         "r": {"class_type": "RegexExtract", "inputs": {"string": "a", "regex_pattern": "a", "mode": "First Match", "case_insensitive": true, "multiline": false, "dotall": false, "group_index": 100}},
         "o0": {"class_type": "PreviewAny", "inputs": {"source": ["r", 0]}},
         "f": {"class_type": "PrimitiveFloat", "inputs": {"value": 2.0}},
         "g": {"class_type": "PrimitiveFloat", "inputs": {"value": 1.25}},
         "b": {"class_type": "PrimitiveBoolean", "inputs": {"value": false}},
         "cmp": {"class_type": "StringCompare", "inputs": {"string_a": "a", "string_b": "b", "mode": "Equal", "case_sensitive": true}},
         "o1": {"class_type": "PreviewAny", "inputs": {"source": ["i", 0]}},
         "o2": {"class_type": "PreviewAny", "inputs": {"source": ["f", 0]}},
         "o3": {"class_type": "PreviewAny", "inputs": {"source": ["g", 0]}},
         "o4": {"class_type": "PreviewAny", "inputs": {"source": ["b", 0]}},
         "o5": {"class_type": "PreviewAny", "inputs": {"source": ["cmp", 0]}}}
        """)]
    public async Task Accepted_prompts_validate_as_the_full_way_does(string json)
    {
        var (raw, fast) = ReadAndValidate(json, null);
        Assert.NotNull(fast);
        var tree = JsonNode.Parse(json)!.AsObject();
        var full = await Validator.ValidateAsync(tree, null, TestContext.Current.CancellationToken);

        Assert.True(full.IsValid);
        Assert.Empty(fast.NodeErrors);
        Assert.Equal(full.Outputs, fast.Outputs);
        Assert.Equal(full.Nodes.Count, fast.Nodes.Count);
        for (var i = 0; i < full.Nodes.Count; i++)
        {
            var (a, b) = (full.Nodes[i], fast.Nodes[i]);
            Assert.Equal(a.Id, b.Id);
            Assert.Equal(a.ClassType, b.ClassType);
            Assert.Equal(a.Title, b.Title);
            Assert.Equal(a.Inputs.Keys, b.Inputs.Keys);
            foreach (var (name, value) in a.Inputs)
            {
                var other = b.Inputs[name];
                if (value is JsonNode node) Assert.True(JsonNode.DeepEquals(node, (JsonNode?)other), name);
                else Assert.Equal(value, other);
            }
        }
        // The queue stores what the tree (rewritten by validation) would have written.
        var stored = new QueueItem(1, "p", tree, [], full.Outputs).PromptUtf8.ToArray();
        Assert.Equal(Encoding.UTF8.GetString(stored), Encoding.UTF8.GetString(raw!.Utf8));
    }

    [Theory]
    [InlineData("""{"f": {"class_type": "PrimitiveFloat", "inputs": {"value": 2}}, "o": {"class_type": "PreviewAny", "inputs": {"source": ["f", 0]}}}""")]
    [InlineData("""{"i": {"class_type": "PrimitiveInt", "inputs": {"value": "5"}}, "o": {"class_type": "PreviewAny", "inputs": {"source": ["i", 0]}}}""")]
    [InlineData("""{"i": {"class_type": "PrimitiveInt", "inputs": {"value": 5.0}}, "o": {"class_type": "PreviewAny", "inputs": {"source": ["i", 0]}}}""")]
    [InlineData("""{"i": {"class_type": "PrimitiveInt", "inputs": {"value": -0}}, "o": {"class_type": "PreviewAny", "inputs": {"source": ["i", 0]}}}""")]
    [InlineData("""{"i": {"class_type": "PrimitiveInt", "inputs": {"value": 1e300}}, "o": {"class_type": "PreviewAny", "inputs": {"source": ["i", 0]}}}""")]
    [InlineData("""{"b": {"class_type": "PrimitiveBoolean", "inputs": {"value": 1}}, "o": {"class_type": "PreviewAny", "inputs": {"source": ["b", 0]}}}""")]
    [InlineData("""{"s": {"class_type": "PrimitiveString", "inputs": {"value": 3}}, "o": {"class_type": "PreviewAny", "inputs": {"source": ["s", 0]}}}""")]
    [InlineData("""{"s": {"class_type": "PrimitiveString", "inputs": {"value": {"__value__": ["a"]}}}, "o": {"class_type": "PreviewAny", "inputs": {"source": ["s", 0]}}}""")]
    [InlineData("""{"s": {"class_type": "PrimitiveString", "inputs": {}}, "o": {"class_type": "PreviewAny", "inputs": {"source": ["s", 0]}}}""")]
    [InlineData("""{"s": {"class_type": "PrimitiveString"}, "o": {"class_type": "PreviewAny", "inputs": {"source": ["s", 0]}}}""")]
    [InlineData("""{"s": {"class_type": "PrimitiveString", "inputs": []}, "o": {"class_type": "PreviewAny", "inputs": {"source": ["s", 0]}}}""")]
    [InlineData("""{"o": {"class_type": "PreviewAny", "inputs": {"source": ["missing", 0]}}}""")]
    [InlineData("""{"o": {"class_type": "PreviewAny", "inputs": {"source": ["o", 0]}}}""")]
    [InlineData("""{"o": {"class_type": "PreviewAny", "inputs": {"source": [5, 0]}}}""")]
    [InlineData("""{"s": {"class_type": "PrimitiveString", "inputs": {"value": "x"}}, "o": {"class_type": "PreviewAny", "inputs": {"source": ["s", 1]}}}""")]
    [InlineData("""{"s": {"class_type": "PrimitiveString", "inputs": {"value": "x"}}, "o": {"class_type": "PreviewAny", "inputs": {"source": ["s", 0, 1]}}}""")]
    [InlineData("""{"s": {"class_type": "PrimitiveString", "inputs": {"value": "x"}}, "o": {"class_type": "PreviewAny", "inputs": {"source": ["s", "0"]}}}""")]
    [InlineData("""{"i": {"class_type": "PrimitiveInt", "inputs": {"value": 1}}, "c": {"class_type": "StringConcatenate", "inputs": {"string_a": ["i", 0], "string_b": "", "delimiter": ""}}, "o": {"class_type": "PreviewAny", "inputs": {"source": ["c", 0]}}}""")]
    [InlineData("""{"a": {"class_type": "StringConcatenate", "inputs": {"string_a": ["b", 0], "string_b": "", "delimiter": ""}}, "b": {"class_type": "StringConcatenate", "inputs": {"string_a": ["a", 0], "string_b": "", "delimiter": ""}}, "o": {"class_type": "PreviewAny", "inputs": {"source": ["a", 0]}}}""")]
    [InlineData("""{"r": {"class_type": "RegexExtract", "inputs": {"string": "a", "regex_pattern": "a", "mode": "First Match", "case_insensitive": true, "multiline": false, "dotall": false, "group_index": 101}}, "o": {"class_type": "PreviewAny", "inputs": {"source": ["r", 0]}}}""")]
    [InlineData("""{"cmp": {"class_type": "StringCompare", "inputs": {"string_a": "a", "string_b": "b", "mode": "Nope", "case_sensitive": true}}, "o": {"class_type": "PreviewAny", "inputs": {"source": ["cmp", 0]}}}""")]
    [InlineData("""{"v": {"class_type": "TestCustomValidation1", "inputs": {"input1": 1, "input2": 2}}, "o": {"class_type": "PreviewAny", "inputs": {"source": ["v", 0]}}}""")]
    [InlineData("""{"x": {"class_type": "NoSuchNode", "inputs": {}}, "o": {"class_type": "PreviewAny", "inputs": {"source": ["x", 0]}}}""")]
    [InlineData("""{"x": {"class_type": 5, "inputs": {}}}""")]
    [InlineData("""{"x": {"inputs": {}}}""")]
    [InlineData("""{"x": "node"}""")]
    [InlineData("""{"s": {"class_type": "PrimitiveString", "inputs": {"value": "x"}}}""")]
    [InlineData("""{}""")]
    public async Task Other_prompts_are_left_to_the_full_way(string json)
    {
        var (_, fast) = ReadAndValidate(json, null);
        Assert.Null(fast);
        // The full way still decides; some of these are valid once rewritten, the rest are its errors.
        await Validator.ValidateAsync(JsonNode.Parse(json)!.AsObject(), null, TestContext.Current.CancellationToken);
    }

    [Theory]
    [InlineData("""{"s": {"class_type": "PrimitiveString", "inputs": {"value": "x"}}, "s": {"class_type": "PrimitiveString", "inputs": {"value": "y"}}}""")]
    [InlineData("""{"s": {"class_type": "PrimitiveString", "class_type": "PrimitiveString", "inputs": {"value": "x"}}}""")]
    [InlineData("""{"s": {"class_type": "PrimitiveString", "inputs": {"value": "x", "value": "y"}}}""")]
    [InlineData("""{"s": {"class_type": "PrimitiveString", "inputs": {"value": "x"}, "_meta": {"title": "a", "title": "b"}}}""")]
    [InlineData("""{"s": {"class_type": "PrimitiveString", "inputs": {"value": "x"}, "x": 1, "x": 2}}""")]
    public void Repeated_properties_are_not_read(string json)
    {
        Assert.False(TryRead(json));
    }

    [Fact]
    public void Long_names_are_read_and_checked_for_repeats_too()
    {
        var name = new string('n', 300);
        var once = """{"s": {"class_type": "PrimitiveString", "inputs": {"value": "x", "NAME": 1}}, "o": {"class_type": "PreviewAny", "inputs": {"source": ["s", 0]}}}"""
            .Replace("NAME", name, StringComparison.Ordinal);
        Assert.Equal(1L, ReadAndValidate(once, null).Validated!.Nodes[0].Inputs[name]);
        var twice = """{"s": {"class_type": "PrimitiveString", "inputs": {"NAME": 1, "value": "x", "NAME": 2}}}""".Replace("NAME", name, StringComparison.Ordinal);
        Assert.False(TryRead(twice));
    }

    [Fact]
    public void Partial_targets_choose_the_outputs()
    {
        const string json = """
            {"s": {"class_type": "PrimitiveString", "inputs": {"value": "x"}},
             "a": {"class_type": "PreviewAny", "inputs": {"source": ["s", 0]}},
             "b": {"class_type": "PreviewAny", "inputs": {"source": ["s", 0]}}}
            """;
        Assert.Equal(["b"], ReadAndValidate(json, ["b", "s"]).Validated!.Outputs);
        Assert.Null(ReadAndValidate(json, ["s"]).Validated);
    }

    [Fact]
    public void The_stored_prompt_parses_back_to_the_prompt()
    {
        var (raw, _) = ReadAndValidate(Chain, null);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Chain), raw!.ToJson()));
    }

    public static TheoryData<string> Texts()
    {
        var data = new TheoryData<string>
        {
            """{"a":{"b":[1,-2.5e+3,true,false,null,"x"]},"c":{}}""",
            """{"a": 1}""", """{"a":1 }""", "{\"a\":\t1}", "{\"a\":\r\n1}", """ {"a":1}""",
            """{"a":"with space, comma: colon {braces} [brackets]"}""",
            """{"a":"escaped \" quote"}""", """{"a":"\u0041"}""", """{"a\u0041":1}""", """{"a":"\/"}""",
            """{"a":"café"}""", """{"é":1}""", """{"a":"😀"}""", """{"a":"\ud83d\ude00"}""",
            """{"1":{"class_type":"PrimitiveString","inputs":{"value":"x"},"_meta":{"title":"T"}}}""",
            "{\"a\":" + new string('[', 64) + new string(']', 64) + "}",
            "{\"a\":" + new string('[', 65) + new string(']', 65) + "}",
        };
        // Every printable ASCII character inside a string and a name, each on its own.
        for (var c = ' '; c < '\u007f'; c++)
        {
            if (c is '"' or '\\') continue;
            data.Add($$"""{"a":"x{{c}}y","{{c}}":0}""");
        }
        return data;
    }

    // The queue's form is the writer's rewrite; a text taken as already in that form is copied as it is: the same bytes.
    [Theory]
    [MemberData(nameof(Texts))]
    public void A_prompt_already_in_the_stored_form_is_kept_as_it_is(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var rewritten = RawPrompt.Rewrite(bytes);
        Assert.Equal(rewritten, RawPrompt.Normalize(bytes));
        if (RawPrompt.IsNormal(bytes)) Assert.Equal(bytes, rewritten);
    }

    [Fact]
    public void Plain_writer_output_is_recognized()
    {
        Assert.True(RawPrompt.IsNormal("""{"1":{"class_type":"StringConcatenate","inputs":{"string_a":["0",0],"string_b":"a b","delimiter":"-"}}}"""u8));
        Assert.False(RawPrompt.IsNormal("""{"1": {}}"""u8));
        Assert.False(RawPrompt.IsNormal("""{"a":"<b>"}"""u8));
        Assert.False(RawPrompt.IsNormal("""{"a":"é"}"""u8));
    }

    private static bool TryRead(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var reader = new Utf8JsonReader(bytes);
        reader.Read();
        return RawPrompt.TryRead(bytes, ref reader, out _);
    }

    private static (RawPrompt? Raw, ValidatedPrompt? Validated) ReadAndValidate(string json, IReadOnlyList<string>? targets)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var reader = new Utf8JsonReader(bytes);
        reader.Read();
        if (!RawPrompt.TryRead(bytes, ref reader, out var raw)) return (null, null);
        Assert.Equal(JsonTokenType.EndObject, reader.TokenType);
        Assert.False(reader.Read());
        return (raw, Validator.TryValidate(raw!, targets));
    }
}
