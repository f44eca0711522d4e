using System.Text;
using System.Text.Json.Nodes;
using ComfySharp.Engine.Graph;
using ComfySharp.Engine.Nodes;

namespace ComfySharp.Server.Routes;

/// <summary>
/// <c>/object_info</c> generated from the schemas and kept until the input folder changes: LoadImage's combo lists that folder's
/// files, which ComfyUI re-reads on every request. A folder's modification time moves whenever an entry is added, removed or renamed.
/// </summary>
internal sealed class ObjectInfoCache(NodeRegistry registry, EngineFolders folders)
{
    private readonly Lock _lock = new();
    private byte[]? _all;
    private DateTime _inputStamp;

    public byte[] All
    {
        get
        {
            var stamp = Directory.Exists(folders.Input) ? Directory.GetLastWriteTimeUtc(folders.Input) : default;
            lock (_lock)
            {
                if (_all is null || stamp != _inputStamp)
                {
                    _all = Encoding.UTF8.GetBytes(ObjectInfo.All(registry).ToJsonString());
                    _inputStamp = stamp;
                }
                return _all;
            }
        }
    }

    public JsonObject One(string classType) =>
        registry.TryGet(classType, out var definition) ? new JsonObject { [classType] = ObjectInfo.Node(definition.Schema) } : [];
}
