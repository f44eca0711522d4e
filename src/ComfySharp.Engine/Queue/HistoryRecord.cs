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

    /// <summary>
    /// Where the prompt's bytes stand in <see cref="Utf8Json"/>, or -1 when that is not known. A store may keep them apart:
    /// they are the bytes the prompt's queue row already holds.
    /// </summary>
    public int PromptAt { get; init; } = -1;

    /// <summary>How many bytes of <see cref="Utf8Json"/> the prompt takes from <see cref="PromptAt"/>.</summary>
    public int PromptLength { get; init; }

    /// <summary>The entry JSON as text.</summary>
    public string Json => Encoding.UTF8.GetString(Utf8Json);
}
