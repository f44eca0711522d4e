using System.Text.Json.Nodes;

namespace ComfySharp.Client.Workflows;

/// <summary>A node output to link to an input: <c>["node id", index]</c> in API format, with the output's type when known.</summary>
/// <param name="NodeId">The producing node.</param>
/// <param name="Index">The output slot.</param>
/// <param name="Type">The output's type name (<c>IMAGE</c>, <c>MODEL</c>, …), or null when unknown.</param>
public readonly record struct OutputRef(string NodeId, int Index, string? Type = null)
{
    /// <summary>The API-format link.</summary>
    public JsonArray ToJson() => new(NodeId, Index);

    /// <summary>
    /// Whether a value of <paramref name="outputType"/> may feed an input of <paramref name="inputType"/>: equal names, either
    /// side <c>*</c>, or a shared member of comma-separated unions (ComfyUI's matching rule).
    /// </summary>
    public static bool TypesMatch(string outputType, string inputType)
    {
        if (outputType == "*" || inputType == "*" || outputType == inputType) return true;
        foreach (var o in outputType.Split(','))
        {
            foreach (var i in inputType.Split(','))
            {
                if (o.Trim() == i.Trim()) return true;
            }
        }
        return false;
    }
}
