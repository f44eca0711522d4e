namespace ComfySharp.Engine.Queue;

/// <summary>
/// A history entry as stored: the prompt id, its queue number, when it finished (ms since epoch) and the entry
/// JSON of protocol.md §2.8 (<c>{"prompt", "outputs", "status", "meta"}</c>) kept as text so reads never re-serialize it.
/// </summary>
public sealed record HistoryRecord(string PromptId, double Number, long CompletedAtMs, string Json);
