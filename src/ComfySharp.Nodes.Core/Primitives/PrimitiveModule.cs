namespace ComfySharp.Nodes.Core.Primitives;

/// <summary>Where ComfyUI defines the primitive nodes (<c>comfy_extras/nodes_primitive.py</c>), as <c>/object_info</c> names it.</summary>
internal static class PrimitiveModule
{
    public const string Name = "comfy_extras.nodes_primitive";
    public const string Category = "utils/primitive";
    /// <summary>Python's <c>sys.maxsize</c>, which bounds PrimitiveInt and PrimitiveFloat.</summary>
    public const long MaxSize = long.MaxValue;
}
