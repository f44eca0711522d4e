using System.Text.Json.Nodes;
using ComfySharp.Client.Workflows;

namespace ComfySharp.Client.Tests;

/// <summary>Small API-format workflows over the test nodes.</summary>
internal static class Prompts
{
    public static Workflow Progress(int steps, bool preview = false) => Workflow.FromJson(new JsonObject
    {
        ["1"] = new JsonObject
        {
            ["class_type"] = "CsTestProgress",
            ["inputs"] = new JsonObject { ["steps"] = steps, ["preview"] = preview },
            ["_meta"] = new JsonObject { ["title"] = "Stepper" },
        },
    });

    public static Workflow Gate(string gate) => Workflow.FromJson(new JsonObject
    {
        ["1"] = new JsonObject { ["class_type"] = "CsTestGate", ["inputs"] = new JsonObject { ["gate"] = gate } },
    });

    public static Workflow Fail(string message) => Workflow.FromJson(new JsonObject
    {
        ["1"] = new JsonObject { ["class_type"] = "CsTestFail", ["inputs"] = new JsonObject { ["message"] = message } },
    });

    public static Workflow Save(string prefix) => Workflow.FromJson(new JsonObject
    {
        ["1"] = new JsonObject { ["class_type"] = "CsClientSavePng", ["inputs"] = new JsonObject { ["filename_prefix"] = prefix } },
    });

    public static string NewId() => Guid.NewGuid().ToString("N");
}
