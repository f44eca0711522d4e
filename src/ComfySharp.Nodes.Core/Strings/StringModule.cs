using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Core.Strings;

/// <summary>Where ComfyUI defines the string nodes (<c>comfy_extras/nodes_string.py</c>) and the input most of them share.</summary>
internal static class StringModule
{
    public const string Category = "utils/string";
    public const string Name = "comfy_extras.nodes_string";

    public static InputSpec Text(string name) => V3Input.String(name, multiline: true);
}
