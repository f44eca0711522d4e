using System.Text.Json.Nodes;

namespace ComfySharp.LoadGen;

/// <summary>The benchmark prompts, built only from node classes ComfyUI itself has.</summary>
internal static class Prompts
{
    /// <summary><c>PrimitiveString → StringConcatenate → PreviewAny</c>.</summary>
    public static JsonObject Trivial(string text) => new()
    {
        ["1"] = new JsonObject { ["class_type"] = "PrimitiveString", ["inputs"] = new JsonObject { ["value"] = text } },
        ["2"] = new JsonObject
        {
            ["class_type"] = "StringConcatenate",
            ["inputs"] = new JsonObject { ["string_a"] = new JsonArray("1", 0), ["string_b"] = "!", ["delimiter"] = "" },
        },
        ["3"] = new JsonObject { ["class_type"] = "PreviewAny", ["inputs"] = new JsonObject { ["source"] = new JsonArray("2", 0) } },
    };

    /// <summary>PrimitiveString → <paramref name="length"/> × StringConcatenate → PreviewAny.</summary>
    public static JsonObject Chain(int length, string seed)
    {
        var prompt = new JsonObject
        {
            ["s"] = new JsonObject { ["class_type"] = "PrimitiveString", ["inputs"] = new JsonObject { ["value"] = seed } },
        };
        var previous = "s";
        for (var i = 0; i < length; i++)
        {
            var id = "c" + i;
            prompt[id] = new JsonObject
            {
                ["class_type"] = "StringConcatenate",
                ["inputs"] = new JsonObject { ["string_a"] = new JsonArray(previous, 0), ["string_b"] = "", ["delimiter"] = "" },
            };
            previous = id;
        }
        prompt["out"] = new JsonObject { ["class_type"] = "PreviewAny", ["inputs"] = new JsonObject { ["source"] = new JsonArray(previous, 0) } };
        return prompt;
    }
}
