using System.Text.Json.Nodes;
using ComfySharp.Engine.Nodes;
using ComfySharp.Engine.Validation;

namespace ComfySharp.Engine.Tests.Validation;

public sealed class JsonInputsTests
{
    [Theory]
    [InlineData("5", 5L)]
    [InlineData("5.9", 5L)]
    [InlineData("-5.9", -5L)]
    [InlineData("\"42\"", 42L)]
    [InlineData("true", 1L)]
    public void Int_coercion_follows_python_int(string json, long expected)
    {
        Assert.True(JsonInputs.TryCoerce("INT", JsonNode.Parse(json), out var value, out var back, out _));
        Assert.Equal(expected, value);
        Assert.Equal(expected, back!.GetValue<long>());
    }

    [Theory]
    [InlineData("\"5.5\"")]
    [InlineData("\"abc\"")]
    [InlineData("null")]
    [InlineData("[1]")]
    public void Int_coercion_rejects_what_python_rejects(string json)
    {
        Assert.False(JsonInputs.TryCoerce("INT", JsonNode.Parse(json), out _, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void Ints_beyond_int64_keep_their_value_as_unsigned()
    {
        Assert.True(JsonInputs.TryCoerce("INT", JsonNode.Parse("18446744073709551615"), out var value, out _, out _));
        Assert.Equal(ulong.MaxValue, value);
    }

    [Theory]
    [InlineData("\"false\"", true)]
    [InlineData("\"\"", false)]
    [InlineData("0", false)]
    [InlineData("2", true)]
    [InlineData("null", false)]
    public void Boolean_coercion_is_python_truthiness(string json, bool expected)
    {
        Assert.True(JsonInputs.TryCoerce("BOOLEAN", JsonNode.Parse(json), out var value, out _, out _));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("5", "5")]
    [InlineData("1.5", "1.5")]
    [InlineData("true", "True")]
    [InlineData("null", "None")]
    public void String_coercion_is_python_str(string json, string expected)
    {
        Assert.True(JsonInputs.TryCoerce("STRING", JsonNode.Parse(json), out var value, out _, out _));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("\"1e3\"")]
    [InlineData("\" 2.5 \"")]
    [InlineData("3")]
    [InlineData("true")]
    public void Float_coercion_accepts_python_spellings(string json) =>
        Assert.True(JsonInputs.TryCoerce("FLOAT", JsonNode.Parse(json), out _, out _, out _));

    // Python's float() reads these, but JSON cannot carry what they give.
    [Theory]
    [InlineData("\"nan\"", "nan")]
    [InlineData("\"inf\"", "inf")]
    [InlineData("\"-Infinity\"", "-inf")]
    [InlineData("1e400", "inf")]
    [InlineData("-1e400", "-inf")]
    [InlineData("\"1e400\"", "inf")]
    public void Float_coercion_refuses_values_that_are_not_finite(string json, string named)
    {
        Assert.False(JsonInputs.TryCoerce("FLOAT", JsonNode.Parse(json), out _, out _, out var error));
        Assert.Equal($"the value is {named}; only finite floats are accepted", error);
    }

    [Fact]
    public void Links_need_a_string_id_and_an_integer_slot()
    {
        Assert.True(JsonInputs.TryGetLink(JsonNode.Parse("[\"4\", 0]"), out var link));
        Assert.Equal(new NodeLink("4", 0), link);
        Assert.False(JsonInputs.TryGetLink(JsonNode.Parse("[4, 0]"), out _));
        Assert.False(JsonInputs.TryGetLink(JsonNode.Parse("[\"4\", \"0\"]"), out _));
        Assert.False(JsonInputs.TryGetLink(JsonNode.Parse("[\"4\", 0, 1]"), out _));
    }

    [Theory]
    [InlineData("IMAGE", "IMAGE", true)]
    [InlineData("*", "IMAGE", true)]
    [InlineData("INT", "*", true)]
    [InlineData("INT", "FLOAT", false)]
    [InlineData("IMAGE,FLOAT", "FLOAT", true)]
    [InlineData("STRING,BOOLEAN", "STRING,INT", true)]
    [InlineData("STRING,BOOLEAN", "IMAGE,INT", false)]
    public void Type_matching_is_ComfyUIs(string received, string declared, bool expected) =>
        Assert.Equal(expected, PromptValidator.TypesMatch(received, declared));
}
