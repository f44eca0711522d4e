using System.Text.Json.Nodes;

namespace ComfySharp.Server.Tests;

/// <summary>Small API-format prompts built from ComfyUI's core string nodes.</summary>
public static class Prompts
{
    /// <summary><c>PrimitiveString → StringConcatenate → PreviewAny</c>, the benchmark's trivial prompt.</summary>
    public static JsonObject Trivial(string text = "hello", string suffix = "world") => new()
    {
        ["1"] = new JsonObject { ["class_type"] = "PrimitiveString", ["inputs"] = new JsonObject { ["value"] = text } },
        ["2"] = new JsonObject
        {
            ["class_type"] = "StringConcatenate",
            ["inputs"] = new JsonObject { ["string_a"] = new JsonArray("1", 0), ["string_b"] = suffix, ["delimiter"] = " " },
        },
        ["3"] = new JsonObject { ["class_type"] = "PreviewAny", ["inputs"] = new JsonObject { ["source"] = new JsonArray("2", 0) } },
    };

    /// <summary>A chain of <paramref name="length"/> StringConcatenate nodes ending in PreviewAny.</summary>
    public static JsonObject Chain(int length)
    {
        var prompt = new JsonObject
        {
            ["s"] = new JsonObject { ["class_type"] = "PrimitiveString", ["inputs"] = new JsonObject { ["value"] = "x" } },
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

    public static JsonObject Gate(string gate, string id = "g") => new()
    {
        [id] = new JsonObject { ["class_type"] = "CsTestGate", ["inputs"] = new JsonObject { ["gate"] = gate } },
    };
}
