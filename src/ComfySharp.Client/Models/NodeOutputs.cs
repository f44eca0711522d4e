using System.Text.Json.Nodes;

namespace ComfySharp.Client;

/// <summary>The UI output of one node (from history or <c>executed</c>): its files and the raw dictionary.</summary>
/// <param name="NodeId">The node.</param>
/// <param name="Images">Entries of its <c>images</c> list that name files (other lists, e.g. <c>text</c>, stay in <see cref="Raw"/>).</param>
/// <param name="Raw">The whole UI dictionary.</param>
public sealed record NodeOutputs(string NodeId, IReadOnlyList<OutputFile> Images, JsonObject Raw)
{
    internal static Dictionary<string, NodeOutputs> FromJson(JsonObject? outputs)
    {
        var result = new Dictionary<string, NodeOutputs>(StringComparer.Ordinal);
        if (outputs is null) return result;
        foreach (var (id, value) in outputs)
        {
            if (value is not JsonObject ui) continue;
            var images = new List<OutputFile>();
            if (ui["images"] is JsonArray list)
            {
                foreach (var item in list)
                {
                    if (OutputFile.FromJson(item) is { } file) images.Add(file);
                }
            }
            result[id] = new NodeOutputs(id, images, ui);
        }
        return result;
    }
}
