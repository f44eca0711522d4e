using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using ComfySharp.Engine.Execution;

namespace ComfySharp.Server.Sessions;

/// <summary>
/// Serializes events to <c>{"type", "data"}</c> text frames (protocol.md §3.3), once per event whatever the number of
/// recipients. The result is a whole WebSocket frame, header included (<see cref="OutboundFrame.Framed"/>).
/// </summary>
internal static class EventFrames
{
    private static readonly JsonWriterOptions Options = new() { Indented = false, SkipValidation = true };

    // A buffer past this is not kept for the thread's next event, so one large `executed` output does not stay pinned.
    private const int KeptBufferBytes = 64 * 1024;

    // Events are raised from the worker, the store's writer and request threads: one writer and buffer per thread, reused
    // event after event, so an event costs one allocation (its frame) instead of a buffer, a writer and a copy.
    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    public static byte[] Status(int queueRemaining, string? sid) => Write("status", (queueRemaining, sid), static (w, s) =>
    {
        w.WriteStartObject("status");
        w.WriteStartObject("exec_info");
        w.WriteNumber("queue_remaining", s.queueRemaining);
        w.WriteEndObject();
        w.WriteEndObject();
        if (s.sid is not null) w.WriteString("sid", s.sid);
    });

    public static byte[] PromptEvent(string type, string promptId, long timestamp) => Write(type, (promptId, timestamp), static (w, s) =>
    {
        w.WriteString("prompt_id", s.promptId);
        w.WriteNumber("timestamp", s.timestamp);
    });

    public static byte[] Cached(string promptId, IReadOnlyList<string> nodes, long timestamp) =>
        Write("execution_cached", (promptId, nodes, timestamp), static (w, s) =>
        {
            w.WriteStartArray("nodes");
            for (var i = 0; i < s.nodes.Count; i++) w.WriteStringValue(s.nodes[i]);
            w.WriteEndArray();
            w.WriteString("prompt_id", s.promptId);
            w.WriteNumber("timestamp", s.timestamp);
        });

    public static byte[] Executing(string? node, string? displayNode, string? promptId) =>
        Write("executing", (node, displayNode, promptId), static (w, s) =>
        {
            if (s.node is null) w.WriteNull("node");
            else w.WriteString("node", s.node);
            if (s.displayNode is not null) w.WriteString("display_node", s.displayNode);
            if (s.promptId is not null) w.WriteString("prompt_id", s.promptId);
        });

    public static byte[] Progress(string promptId, string node, double value, double max) =>
        Write("progress", (promptId, node, value, max), static (w, s) =>
        {
            w.WriteNumber("value", s.value);
            w.WriteNumber("max", s.max);
            w.WriteString("prompt_id", s.promptId);
            w.WriteString("node", s.node);
        });

    public static byte[] ProgressState(string promptId, IReadOnlyList<NodeProgress> nodes) =>
        Write("progress_state", (promptId, nodes), static (w, s) =>
        {
            w.WriteString("prompt_id", s.promptId);
            w.WriteStartObject("nodes");
            for (var i = 0; i < s.nodes.Count; i++)
            {
                var n = s.nodes[i];
                w.WriteStartObject(n.NodeId);
                w.WriteNumber("value", n.Value);
                w.WriteNumber("max", n.Max);
                w.WriteString("state", n.Finished ? "finished" : "running");
                w.WriteString("node_id", n.NodeId);
                w.WriteString("prompt_id", s.promptId);
                w.WriteString("display_node_id", n.DisplayNodeId);
                if (n.ParentNodeId is null) w.WriteNull("parent_node_id");
                else w.WriteString("parent_node_id", n.ParentNodeId);
                w.WriteString("real_node_id", n.RealNodeId);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        });

    public static byte[] Executed(string promptId, string node, string displayNode, JsonObject? output) =>
        Write("executed", (promptId, node, displayNode, output), static (w, s) =>
        {
            w.WriteString("node", s.node);
            w.WriteString("display_node", s.displayNode);
            w.WritePropertyName("output");
            if (s.output is null) w.WriteNullValue();
            else s.output.WriteTo(w);
            w.WriteString("prompt_id", s.promptId);
        });

    public static byte[] Data(string type, JsonNode data) => Write(type, data, static (w, d) =>
    {
        foreach (var (k, v) in d.AsObject())
        {
            w.WritePropertyName(k);
            if (v is null) w.WriteNullValue();
            else v.WriteTo(w);
        }
    });

    /// <summary>A text message as a whole frame: its header, then the JSON.</summary>
    private static byte[] Frame(ReadOnlySpan<byte> json)
    {
        var header = WebSocketHeader.LengthFor(json.Length);
        var frame = new byte[header + json.Length];
        WebSocketHeader.WriteText(frame, json.Length);
        json.CopyTo(frame.AsSpan(header));
        return frame;
    }

    private static byte[] Write<TState>(string type, TState state, Action<Utf8JsonWriter, TState> data)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var w = t_writer;
        if (w is null) t_writer = w = new Utf8JsonWriter(buffer, Options);
        else w.Reset(buffer);
        try
        {
            w.WriteStartObject();
            w.WriteString("type", type);
            w.WriteStartObject("data");
            data(w, state);
            w.WriteEndObject();
            w.WriteEndObject();
            w.Flush();
            return Frame(buffer.WrittenSpan);
        }
        finally
        {
            if (buffer.Capacity > KeptBufferBytes)
            {
                t_buffer = null;
                t_writer = null;
            }
        }
    }
}
