using System.Text.Json.Nodes;
using ComfySharp.Client.Events;

namespace ComfySharp.Client;

/// <summary>One entry of <c>node_errors</c>: the validation errors of one node (protocol.md §5.3).</summary>
/// <param name="NodeId">The node.</param>
/// <param name="ClassType">Its class_type.</param>
/// <param name="Errors">Its errors.</param>
/// <param name="DependentOutputs">Output nodes that could not run because of it.</param>
public sealed record NodeError(string NodeId, string? ClassType, IReadOnlyList<ComfyError> Errors, IReadOnlyList<string> DependentOutputs)
{
    /// <summary>Reads a <c>node_errors</c> object.</summary>
    public static IReadOnlyList<NodeError> ListFromJson(JsonObject? nodeErrors)
    {
        var list = new List<NodeError>();
        if (nodeErrors is null) return list;
        foreach (var (id, value) in nodeErrors)
        {
            var errors = new List<ComfyError>();
            if (value?["errors"] is JsonArray array)
            {
                foreach (var e in array) errors.Add(ComfyError.FromJson(e));
            }
            list.Add(new NodeError(id, EventParser.Str(value?["class_type"]), errors, EventParser.Strings(value?["dependent_outputs"])));
        }
        return list;
    }
}
