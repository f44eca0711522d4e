using System.Text.Json.Nodes;

namespace ComfySharp.Engine.Queue;

/// <summary>
/// A queued prompt: ComfyUI's queue tuple <c>(number, prompt_id, prompt, extra_data, outputs_to_execute, sensitive)</c>
/// plus how many times a worker has started it (for crash recovery).
/// </summary>
public sealed record QueueItem(
    double Number,
    string PromptId,
    JsonObject Prompt,
    JsonObject ExtraData,
    IReadOnlyList<string> OutputsToExecute,
    JsonObject? Sensitive = null,
    int Attempts = 0)
{
    private JsonObject? _prompt = Prompt;
    private byte[]? _promptUtf8;

    /// <summary>
    /// A prompt that arrived as UTF-8 JSON in the form <see cref="PromptUtf8"/> gives: its tree is parsed only when someone
    /// reads <see cref="Prompt"/> (a node that takes the prompt, a queue listing), never on the way through queue and history.
    /// </summary>
    public QueueItem(double number, string promptId, byte[] promptUtf8, JsonObject extraData, IReadOnlyList<string> outputsToExecute,
        JsonObject? sensitive = null)
        : this(number, promptId, (JsonObject)null!, extraData, outputsToExecute, sensitive)
    {
        _promptUtf8 = promptUtf8;
    }

    /// <summary>The prompt's nodes as JSON. A queued prompt is never modified.</summary>
    public JsonObject Prompt
    {
        get
        {
            if (_prompt is { } prompt) return prompt;
            // Parsed once; two threads asking at once agree on one tree.
            Interlocked.CompareExchange(ref _prompt, JsonNode.Parse(_promptUtf8!)!.AsObject(), null);
            return _prompt;
        }
        init
        {
            _prompt = value;
            _promptUtf8 = null;
        }
    }

    /// <summary>The validated nodes, kept in memory only; after a restart the worker validates the stored prompt again.</summary>
    public IReadOnlyList<Graph.PromptNode>? Nodes { get; init; }

    /// <summary>
    /// <see cref="Prompt"/> as UTF-8 JSON, written once and reused wherever the prompt is stored (the durable queue, the
    /// history entry), so a large graph is neither cloned nor serialized again.
    /// </summary>
    public ReadOnlySpan<byte> PromptUtf8 => PromptBytes.Span;

    /// <summary><see cref="PromptUtf8"/> as the array it is kept in (never changed).</summary>
    internal ReadOnlyMemory<byte> PromptBytes
    {
        get
        {
            if (_promptUtf8 is { } utf8) return utf8;
            var buffer = new System.Buffers.ArrayBufferWriter<byte>(4096);
            using (var writer = new System.Text.Json.Utf8JsonWriter(buffer)) _prompt!.WriteTo(writer);
            _promptUtf8 = buffer.WrittenSpan.ToArray();
            return _promptUtf8;
        }
    }
}
