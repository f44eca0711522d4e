using System.Text.Json;

namespace ComfySharp.LoadGen;

/// <summary>
/// The few fields of a JSON WebSocket event the scenarios need, read with <see cref="Utf8JsonReader"/> in any key order.
/// Tolerant: an unknown event has just its type; text that stops parsing (ComfyUI may write NaN inside
/// <c>execution_error</c>) keeps what was read before it.
/// </summary>
internal readonly record struct ComfyEvent(string? Type, string? PromptId, bool NodeIsNull, int QueueRemaining)
{
    public bool IsStatus => Type == "status";

    /// <summary><c>executing</c> with <c>node: null</c>: the prompt is finished and its history written (protocol.md §3.6).</summary>
    public bool IsPromptDone => Type == "executing" && NodeIsNull && PromptId is not null;

    public static ComfyEvent Parse(ReadOnlySpan<byte> json)
    {
        string? type = null, promptId = null;
        var nodeIsNull = false;
        var queueRemaining = -1;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return default;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String) type = reader.GetString();
                }
                else if (reader.ValueTextEquals("data"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject) ReadData(ref reader, ref promptId, ref nodeIsNull, ref queueRemaining);
                    else reader.Skip();
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Keep the fields read so far (InvalidOperationException: a string that is not UTF-8).
        }
        return new ComfyEvent(type, promptId, nodeIsNull, queueRemaining);
    }

    private static void ReadData(ref Utf8JsonReader reader, ref string? promptId, ref bool nodeIsNull, ref int queueRemaining)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("prompt_id"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String) promptId = reader.GetString();
            }
            else if (reader.ValueTextEquals("node"u8))
            {
                reader.Read();
                nodeIsNull = reader.TokenType == JsonTokenType.Null;
                reader.Skip();
            }
            else if (reader.ValueTextEquals("status"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject) queueRemaining = ReadQueueRemaining(ref reader);
                else reader.Skip();
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    // data.status = {"exec_info": {"queue_remaining": N}}; the reader ends on the status object's end.
    private static int ReadQueueRemaining(ref Utf8JsonReader reader)
    {
        var result = -1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isExecInfo = reader.ValueTextEquals("exec_info"u8);
            reader.Read();
            if (!isExecInfo || reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isCount = reader.ValueTextEquals("queue_remaining"u8);
                reader.Read();
                if (isCount && reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var n)) result = n;
                else reader.Skip();
            }
        }
        return result;
    }
}
