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
    private (JsonObject Source, byte[] Utf8)? _promptJson;

    /// <summary>The validated nodes, kept in memory only; after a restart the worker validates the stored prompt again.</summary>
    public IReadOnlyList<Graph.PromptNode>? Nodes { get; init; }

    /// <summary>
    /// <see cref="Prompt"/> as UTF-8 JSON, written once and reused wherever the prompt is stored (the durable queue, the
    /// history entry), so a large graph is neither cloned nor serialized again. A queued prompt is never modified.
    /// </summary>
    public ReadOnlySpan<byte> PromptUtf8
    {
        get
        {
            // Kept with the object it was made from: a copy made with another Prompt writes its own.
            if (_promptJson is not { } cached || !ReferenceEquals(cached.Source, Prompt))
            {
                var buffer = new System.Buffers.ArrayBufferWriter<byte>(4096);
                using (var writer = new System.Text.Json.Utf8JsonWriter(buffer)) Prompt.WriteTo(writer);
                cached = (Prompt, buffer.WrittenSpan.ToArray());
                _promptJson = cached;
            }
            return cached.Utf8;
        }
    }
}
