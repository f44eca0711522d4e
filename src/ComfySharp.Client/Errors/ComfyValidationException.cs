using System.Text;
using System.Text.Json.Nodes;

namespace ComfySharp.Client;

/// <summary>
/// <c>POST /prompt</c> was rejected (HTTP 400): the server's <see cref="Error"/> and <see cref="NodeErrors"/>. Fix the named
/// inputs (see each <see cref="NodeError"/>) and queue again.
/// </summary>
public sealed class ComfyValidationException : ComfyException
{
    /// <summary>Creates the exception from the parsed 400 body.</summary>
    public ComfyValidationException(ComfyError error, IReadOnlyList<NodeError> nodeErrors, JsonObject? body)
        : base(Describe(error, nodeErrors))
    {
        Error = error;
        NodeErrors = nodeErrors;
        Body = body;
    }

    /// <summary>The prompt-level error.</summary>
    public ComfyError Error { get; }

    /// <summary>Errors per node (empty for errors such as <c>no_prompt</c> or <c>invalid_prompt_id</c>).</summary>
    public IReadOnlyList<NodeError> NodeErrors { get; }

    /// <summary>The raw response body.</summary>
    public JsonObject? Body { get; }

    private static string Describe(ComfyError error, IReadOnlyList<NodeError> nodeErrors)
    {
        var text = new StringBuilder(error.Message.Length == 0 ? "The server rejected the prompt" : error.Message);
        foreach (var node in nodeErrors)
        {
            foreach (var e in node.Errors)
            {
                text.Append("; node ").Append(node.NodeId);
                if (node.ClassType is not null) text.Append(" (").Append(node.ClassType).Append(')');
                if (e.InputName is not null) text.Append(" input '").Append(e.InputName).Append('\'');
                text.Append(": ").Append(e.Message);
                if (e.Details.Length > 0 && e.Details != e.Message) text.Append(" - ").Append(e.Details);
            }
        }
        return text.ToString().ReplaceLineEndings(" ").TrimEnd();
    }
}
