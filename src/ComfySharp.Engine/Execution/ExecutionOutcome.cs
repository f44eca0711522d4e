using System.Text.Json.Nodes;

namespace ComfySharp.Engine.Execution;

/// <summary>How a prompt ended, with what goes into its history entry (protocol.md §2.8).</summary>
public sealed record ExecutionOutcome(
    ExecutionStatus Status,
    JsonArray Messages,
    JsonObject Outputs,
    JsonObject Meta)
{
    public string StatusStr => Status == ExecutionStatus.Success ? "success" : "error";
}

public enum ExecutionStatus
{
    Success,
    Error,
    Interrupted,
}
