using System.Text.Json.Nodes;

namespace ComfySharp.Client.Events;

/// <summary><c>status</c>: the queue changed, or the greeting on connect (then with <see cref="Sid"/>).</summary>
/// <param name="QueueRemaining">Pending plus running prompts.</param>
/// <param name="Sid">The session id the server assigned (only in the greeting).</param>
public sealed record StatusEvent(int QueueRemaining, string? Sid) : ComfyEvent
{
    /// <inheritdoc />
    public override string Type => "status";
}

/// <summary><c>execution_start</c>: a prompt began.</summary>
/// <param name="Id">The prompt.</param>
/// <param name="Timestamp">Milliseconds since the Unix epoch.</param>
public sealed record ExecutionStartEvent(string Id, long? Timestamp) : ComfyEvent
{
    /// <inheritdoc />
    public override string Type => "execution_start";

    /// <inheritdoc />
    public override string? PromptId => Id;
}

/// <summary><c>execution_cached</c>: nodes whose outputs were already cached.</summary>
/// <param name="Id">The prompt.</param>
/// <param name="Nodes">The cached node ids.</param>
/// <param name="Timestamp">Milliseconds since the Unix epoch.</param>
public sealed record ExecutionCachedEvent(string Id, IReadOnlyList<string> Nodes, long? Timestamp) : ComfyEvent
{
    /// <inheritdoc />
    public override string Type => "execution_cached";

    /// <inheritdoc />
    public override string? PromptId => Id;
}

/// <summary><c>executing</c>: a node is about to run, or (with <see cref="Node"/> null) the prompt is done.</summary>
/// <param name="Node">The node id, or null when the prompt finished (its history is then readable).</param>
/// <param name="DisplayNode">The node a user interface shows, when sent.</param>
/// <param name="Id">The prompt (absent in the reconnect form of this event).</param>
public sealed record ExecutingEvent(string? Node, string? DisplayNode, string? Id) : ComfyEvent
{
    /// <inheritdoc />
    public override string Type => "executing";

    /// <inheritdoc />
    public override string? PromptId => Id;

    /// <summary>True for <c>executing {node: null}</c>: the prompt finished (success, error or interrupt).</summary>
    public bool IsPromptDone => Node is null && Id is not null;
}

/// <summary><c>progress</c>: a node's progress bar moved.</summary>
/// <param name="Value">Steps done.</param>
/// <param name="Max">Steps in all.</param>
/// <param name="Id">The prompt.</param>
/// <param name="Node">The node.</param>
public sealed record ProgressEvent(double Value, double Max, string? Id, string? Node) : ComfyEvent
{
    /// <inheritdoc />
    public override string Type => "progress";

    /// <inheritdoc />
    public override string? PromptId => Id;
}

/// <summary>One node's entry in <c>progress_state</c>.</summary>
/// <param name="NodeId">The node.</param>
/// <param name="Value">Progress so far.</param>
/// <param name="Max">Progress at the end.</param>
/// <param name="State"><c>running</c> or <c>finished</c>.</param>
/// <param name="DisplayNodeId">The node a user interface shows.</param>
/// <param name="ParentNodeId">The expanding node, for nodes of an expansion.</param>
/// <param name="RealNodeId">The top-level node of the prompt.</param>
public sealed record NodeProgress(string NodeId, double Value, double Max, string State, string? DisplayNodeId, string? ParentNodeId, string? RealNodeId);

/// <summary><c>progress_state</c>: the cumulative state of every started node of a prompt.</summary>
/// <param name="Id">The prompt.</param>
/// <param name="Nodes">Node id to its progress.</param>
public sealed record ProgressStateEvent(string? Id, IReadOnlyDictionary<string, NodeProgress> Nodes) : ComfyEvent
{
    /// <inheritdoc />
    public override string Type => "progress_state";

    /// <inheritdoc />
    public override string? PromptId => Id;
}

/// <summary><c>executed</c>: a node produced UI output (images, text, …).</summary>
/// <param name="Node">The node.</param>
/// <param name="DisplayNode">The node a user interface shows.</param>
/// <param name="Output">The UI dictionary (for example <c>{"images": [{filename, subfolder, type}]}</c>), or null.</param>
/// <param name="Id">The prompt.</param>
public sealed record ExecutedEvent(string Node, string? DisplayNode, JsonObject? Output, string? Id) : ComfyEvent
{
    /// <inheritdoc />
    public override string Type => "executed";

    /// <inheritdoc />
    public override string? PromptId => Id;
}

/// <summary><c>execution_success</c>: every node finished.</summary>
/// <param name="Id">The prompt.</param>
/// <param name="Timestamp">Milliseconds since the Unix epoch.</param>
public sealed record ExecutionSuccessEvent(string Id, long? Timestamp) : ComfyEvent
{
    /// <inheritdoc />
    public override string Type => "execution_success";

    /// <inheritdoc />
    public override string? PromptId => Id;
}

/// <summary><c>execution_error</c>: a node raised (or, with type <c>ExecutionBlocked</c>, a blocker reached a node).</summary>
/// <param name="Error">The error's fields.</param>
public sealed record ExecutionErrorEvent(ExecutionErrorInfo Error) : ComfyEvent
{
    /// <inheritdoc />
    public override string Type => "execution_error";

    /// <inheritdoc />
    public override string? PromptId => Error.PromptId;
}

/// <summary><c>execution_interrupted</c>: the prompt was interrupted.</summary>
/// <param name="Id">The prompt.</param>
/// <param name="NodeId">The node that was running.</param>
/// <param name="NodeType">Its class_type.</param>
/// <param name="Executed">Nodes that had finished.</param>
/// <param name="Timestamp">Milliseconds since the Unix epoch.</param>
public sealed record ExecutionInterruptedEvent(string Id, string? NodeId, string? NodeType, IReadOnlyList<string> Executed, long? Timestamp) : ComfyEvent
{
    /// <inheritdoc />
    public override string Type => "execution_interrupted";

    /// <inheritdoc />
    public override string? PromptId => Id;
}

/// <summary><c>feature_flags</c>: the server's answer to the client's flags.</summary>
/// <param name="Flags">The server's flags (protocol.md §2.14).</param>
public sealed record FeatureFlagsEvent(JsonObject Flags) : ComfyEvent
{
    /// <inheritdoc />
    public override string Type => "feature_flags";
}

/// <summary>One log line of a <c>logs</c> event.</summary>
/// <param name="Time">ISO time as sent.</param>
/// <param name="Message">The text.</param>
public sealed record LogEntry(string? Time, string? Message);

/// <summary><c>logs</c>: server log lines, for sockets subscribed through <c>/internal/logs/subscribe</c>.</summary>
/// <param name="Entries">The lines.</param>
public sealed record LogsEvent(IReadOnlyList<LogEntry> Entries) : ComfyEvent
{
    /// <inheritdoc />
    public override string Type => "logs";
}

/// <summary>An event this SDK has no type for (custom nodes may send any name); passed through, never dropped.</summary>
/// <param name="EventType">The event's <c>type</c>.</param>
public sealed record UnknownEvent(string EventType) : ComfyEvent
{
    /// <inheritdoc />
    public override string Type => EventType;

    /// <inheritdoc />
    public override string? PromptId => Data?["prompt_id"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
