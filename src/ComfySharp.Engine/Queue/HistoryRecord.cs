using System.Text;

namespace ComfySharp.Engine.Queue;

/// <summary>
/// A history entry as stored: the prompt id, its queue number, when it finished (ms since epoch) and the entry JSON of
/// protocol.md §2.8 (<c>{"prompt", "outputs", "status", "meta"}</c>) kept as the UTF-8 bytes the worker wrote, so neither
/// the store nor a read ever converts or re-serializes it.
/// </summary>
/// <remarks>
/// The worker's entries keep the prompt apart (<see cref="StandInJson"/>, <see cref="PromptAt"/>, <see cref="Prompt"/>, the
/// bytes the queue item already holds): a store that keeps prompts in rows of their own never needs the whole text, which
/// for a long graph was a copy of the prompt made only to be cut out again. <see cref="Utf8Json"/> joins it when asked.
/// </remarks>
public sealed class HistoryRecord
{
    private byte[]? _utf8Json;

    public HistoryRecord(string promptId, double number, long completedAtMs, byte[] utf8Json)
    {
        PromptId = promptId;
        Number = number;
        CompletedAtMs = completedAtMs;
        _utf8Json = utf8Json;
    }

    /// <summary>An entry given as text (tests, tools).</summary>
    public HistoryRecord(string promptId, double number, long completedAtMs, string json)
        : this(promptId, number, completedAtMs, json is null ? null! : Encoding.UTF8.GetBytes(json))
    {
    }

    /// <summary>An entry whose prompt is given apart: <paramref name="standInJson"/> holds a <see cref="StandIn"/> at <paramref name="promptAt"/>.</summary>
    public HistoryRecord(string promptId, double number, long completedAtMs, byte[] standInJson, int promptAt, ReadOnlyMemory<byte> prompt)
    {
        PromptId = promptId;
        Number = number;
        CompletedAtMs = completedAtMs;
        StandInJson = standInJson;
        PromptAt = promptAt;
        Prompt = prompt;
    }

    public string PromptId { get; }
    public double Number { get; }
    public long CompletedAtMs { get; }

    /// <summary>The whole entry JSON (joined once from its parts when the prompt was given apart).</summary>
    public byte[] Utf8Json
    {
        get
        {
            if (_utf8Json is not null || StandInJson is null) return _utf8Json!;
            // Two readers at once join the same bytes; either array serves.
            Interlocked.CompareExchange(ref _utf8Json, StandIn.Join(StandInJson, PromptAt, Prompt.Span), null);
            return _utf8Json;
        }
    }

    /// <summary>The entry JSON with a stand-in for the prompt, or null when the entry was given whole.</summary>
    public byte[]? StandInJson { get; }

    /// <summary>Where the prompt's stand-in is in <see cref="StandInJson"/>; -1 when the entry was given whole.</summary>
    public int PromptAt { get; } = -1;

    /// <summary>The prompt's bytes, when given apart.</summary>
    public ReadOnlyMemory<byte> Prompt { get; }

    /// <summary>The entry JSON as text.</summary>
    public string Json => Encoding.UTF8.GetString(Utf8Json);
}
