using ComfySharp.Engine.Nodes;
using ComfySharp.Nodes.Core.Preview;
using ComfySharp.Nodes.Core.Primitives;
using ComfySharp.Nodes.Core.Strings;

namespace ComfySharp.Nodes.Core;

/// <summary>The core pack: ComfyUI's primitive, string and preview nodes that need no model.</summary>
public static class CoreNodes
{
    /// <summary>Registers the pack's nodes: comfy_extras' nodes_primitive, nodes_string and nodes_preview_any.</summary>
    public static NodeRegistry AddCoreNodes(this NodeRegistry registry)
    {
        // comfy_extras/nodes_primitive.py
        registry.Add<PrimitiveString>().Add<PrimitiveStringMultiline>().Add<PrimitiveInt>().Add<PrimitiveFloat>().Add<PrimitiveBoolean>();
        // comfy_extras/nodes_string.py
        registry.Add<StringConcatenate>().Add<StringSubstring>().Add<StringLength>().Add<CaseConverter>().Add<StringTrim>()
            .Add<StringReplace>().Add<StringContains>().Add<StringCompare>().Add<RegexMatch>().Add<RegexExtract>().Add<RegexReplace>();
        // comfy_extras/nodes_preview_any.py
        registry.Add<PreviewAny>();
        return registry;
    }
}
