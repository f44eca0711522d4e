using ComfySharp.Engine.Nodes;
using ComfySharp.Nodes.Core.Preview;
using ComfySharp.Nodes.Core.Primitives;
using ComfySharp.Nodes.Core.Strings;

namespace ComfySharp.Nodes.Core;

/// <summary>The core pack: ComfyUI's primitive, string and preview nodes that need no model.</summary>
public static class CoreNodes
{
    public static NodeRegistry AddCoreNodes(this NodeRegistry registry)
    {
        registry.Add<PrimitiveInt>().Add<PrimitiveFloat>().Add<PrimitiveString>().Add<PrimitiveStringMultiline>().Add<PrimitiveBoolean>();
        registry.Add<StringConcatenate>().Add<StringSubstring>().Add<StringLength>().Add<CaseConverter>().Add<StringTrim>()
            .Add<StringReplace>().Add<StringContains>().Add<StringCompare>().Add<RegexMatch>().Add<RegexExtract>().Add<RegexReplace>();
        registry.Add<PreviewAny>();
        return registry;
    }
}
