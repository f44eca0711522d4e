using System.Text;

namespace ComfySharp.Engine.Queue;

/// <summary>
/// A history entry as stored: the prompt id, its queue number, when it finished (ms since epoch) and the entry JSON of
/// protocol.md §2.8 (<c>{"prompt", "outputs", "status", "meta"}</c>) kept as the UTF-8 bytes the worker wrote, so neither
/// the store nor a read ever converts or re-serializes it.
/// </summary>
public sealed class HistoryRecord(string promptId, double number, long completedAtMs, byte[] utf8Json)
{
    /// <summary>An entry given as text (tests, tools).</summary>
    public HistoryRecord(string promptId, double number, long completedAtMs, string json)
        : this(promptId, number, completedAtMs, json is null ? null! : Encoding.UTF8.GetBytes(json))
    {
    }

    public string PromptId { get; } = promptId;
    public double Number { get; } = number;
    public long CompletedAtMs { get; } = completedAtMs;
    public byte[] Utf8Json { get; } = utf8Json;

    /// <summary>The entry JSON as text.</summary>
    public string Json => Encoding.UTF8.GetString(Utf8Json);
}
