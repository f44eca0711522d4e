using System.Text.Json.Nodes;
using ComfySharp.Engine.Nodes;
using ComfySharp.Server.Tests.Infrastructure;

namespace ComfySharp.Client.Tests.Infrastructure;

/// <summary>Nodes only the client tests register.</summary>
public static class ClientTestNodes
{
    public static void Register(NodeRegistry registry) => registry.Add<SaveBytesNode>();

    /// <summary>Writes a tiny PNG into the output folder and reports it the way SaveImage does (<c>ui.images</c> file descriptors).</summary>
    internal sealed class SaveBytesNode : INode
    {
        public static NodeSchema Schema { get; } = new("CsClientSavePng", "testing")
        {
            Inputs = [Input.String("filename_prefix", "client"), Input.Of("value", "*", ComfySharp.Engine.Nodes.InputSection.Optional)],
            OutputNode = true,
            NotIdempotent = true,
        };

        public async ValueTask<NodeOutput> ExecuteAsync(NodeArgs args, NodeContext context, CancellationToken ct)
        {
            var name = $"{args.String("filename_prefix")}_{context.PromptId[..8]}_.png";
            Directory.CreateDirectory(context.Folders.Output);
            await File.WriteAllBytesAsync(Path.Combine(context.Folders.Output, name), TestNodes.ProgressNode.Png, ct);
            var image = new JsonObject { ["filename"] = name, ["subfolder"] = "", ["type"] = "output" };
            return NodeOutput.WithUi(new JsonObject { ["images"] = new JsonArray(image) });
        }
    }
}
