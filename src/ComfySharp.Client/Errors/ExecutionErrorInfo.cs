using System.Text.Json.Nodes;
using ComfySharp.Client.Events;

namespace ComfySharp.Client;

/// <summary>The data of an <c>execution_error</c> (protocol.md §3.3.1).</summary>
/// <param name="PromptId">The prompt.</param>
/// <param name="NodeId">The failing top-level node.</param>
/// <param name="NodeType">Its class_type.</param>
/// <param name="ExceptionMessage">The error text (ComfyUI ends it with a newline).</param>
/// <param name="ExceptionType">The exception's class name.</param>
/// <param name="Traceback">Formatted stack frames.</param>
/// <param name="Executed">Nodes that finished before the failure.</param>
public sealed record ExecutionErrorInfo(string? PromptId, string? NodeId, string? NodeType, string ExceptionMessage, string? ExceptionType,
    IReadOnlyList<string> Traceback, IReadOnlyList<string> Executed)
{
    /// <summary>The raw data, including <c>current_inputs</c> and <c>current_outputs</c>.</summary>
    public JsonObject? Data { get; init; }

    /// <summary>Reads the event data.</summary>
    public static ExecutionErrorInfo FromJson(JsonObject d) => new(EventParser.Str(d["prompt_id"]), EventParser.Str(d["node_id"]),
        EventParser.Str(d["node_type"]), EventParser.Str(d["exception_message"]) ?? "", EventParser.Str(d["exception_type"]),
        EventParser.Strings(d["traceback"]), EventParser.Strings(d["executed"]))
    { Data = d };
}
