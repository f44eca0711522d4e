using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace ComfySharp.Server.Hosting;

/// <summary>The server's feature flags: <c>GET /features</c> and the WebSocket <c>feature_flags</c> reply (protocol.md §2.14, §3.2).</summary>
internal sealed class ServerFeatures
{
    public ServerFeatures(IOptions<ServerOptions> options)
    {
        Flags = new JsonObject
        {
            ["supports_preview_metadata"] = true,
            // ComfyUI sends the MB setting converted to bytes as a float.
            ["max_upload_size"] = (double)options.Value.MaxBodyBytes,
            ["node_replacements"] = false,
            ["assets"] = false,
        };
        Json = Flags.ToJsonString();
        FeatureFlagsFrame = Encoding.UTF8.GetBytes(new JsonObject { ["type"] = "feature_flags", ["data"] = Flags.DeepClone() }.ToJsonString());
    }

    public JsonObject Flags { get; }
    public string Json { get; }
    public byte[] FeatureFlagsFrame { get; }
}
