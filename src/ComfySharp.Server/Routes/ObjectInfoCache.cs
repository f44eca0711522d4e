using System.Text;
using System.Text.Json.Nodes;
using ComfySharp.Engine.Graph;
using ComfySharp.Engine.Nodes;

namespace ComfySharp.Server.Routes;

/// <summary>
/// <c>/object_info</c> generated from the schemas and kept until a listed folder changes: LoadImage's combo lists the input
/// folder's files and the model loaders list model folders, which ComfyUI re-reads on every request. A folder's modification
/// time moves whenever an entry is added, removed or renamed.
/// </summary>
internal sealed class ObjectInfoCache(NodeRegistry registry, EngineFolders folders)
{
    private readonly Lock _lock = new();
    private readonly string[] _listed =
        [folders.Input, Path.Combine(folders.Models, "checkpoints"), Path.Combine(folders.Models, "vae"), Path.Combine(folders.Models, "loras")];
    private byte[]? _all;
    private long _inputStamp;

    private long Stamp()
    {
        var hash = new HashCode();
        foreach (var folder in _listed) hash.Add(Directory.Exists(folder) ? Directory.GetLastWriteTimeUtc(folder).Ticks : 0);
        return hash.ToHashCode();
    }

    public byte[] All
    {
        get
        {
            var stamp = Stamp();
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
