using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Image.Masks;

/// <summary>Schema pieces the mask nodes of <c>comfy_extras/nodes_mask.py</c> share.</summary>
internal static class MaskNode
{
    public const string Module = "comfy_extras.nodes_mask";

    public static InputSpec Position(string name) => Input.Int(name, 0, 0, Input.MaxResolution, 1);
}
