using System.Text;
using System.Text.Json.Nodes;
using ComfySharp.Engine.Nodes;

namespace ComfySharp.Server.Routes;

/// <summary><c>/object_info</c> is generated from the schemas once; the registry does not change while the server runs.</summary>
internal sealed class ObjectInfoCache(NodeRegistry registry)
{
    private readonly Lazy<byte[]> _all = new(() => Encoding.UTF8.GetBytes(ObjectInfo.All(registry).ToJsonString()));

    public byte[] All => _all.Value;

    public JsonObject One(string classType) =>
        registry.TryGet(classType, out var definition) ? new JsonObject { [classType] = ObjectInfo.Node(definition.Schema) } : [];
}
