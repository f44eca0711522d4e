using System.Buffers;
using System.Buffers.Text;
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

    public static byte[] Executing(string? node, string? displayNode, string? promptId) => Frame(ExecutingJson(node, displayNode, promptId));

    /// <summary>The <c>executing</c> message without a frame, in this thread's scratch (valid until its next event).</summary>
    public static ReadOnlySpan<byte> ExecutingJson(string? node, string? displayNode, string? promptId)
    {
        if (TryPlainExecuting(node, displayNode, promptId, out var plain)) return plain;
        return WriteJson("executing", (node, displayNode, promptId), static (w, s) =>
        {
            if (s.node is null) w.WriteNull("node");
            else w.WriteString("node", s.node);
            if (s.displayNode is not null) w.WriteString("display_node", s.displayNode);
            if (s.promptId is not null) w.WriteString("prompt_id", s.promptId);
        });
    }

    public static byte[] Progress(string promptId, string node, double value, double max) =>
        Write("progress", (promptId, node, value, max), static (w, s) =>
        {
            w.WriteNumber("value", s.value);
            w.WriteNumber("max", s.max);
            w.WriteString("prompt_id", s.promptId);
            w.WriteString("node", s.node);
        });

    public static byte[] ProgressState(string promptId, IReadOnlyList<NodeProgress> nodes) => Frame(ProgressStateJson(promptId, nodes));

    /// <summary>The <c>progress_state</c> message without a frame, in this thread's scratch (valid until its next event).</summary>
    public static ReadOnlySpan<byte> ProgressStateJson(string promptId, IReadOnlyList<NodeProgress> nodes)
    {
        if (TryPlainProgressState(promptId, nodes, out var plain)) return plain;
        return WriteJson("progress_state", (promptId, nodes), static (w, s) =>
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
    }

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

    // executing and progress_state go out three times per node. When their ids are plain (below) and their numbers integral,
    // they are written from literal pieces instead of through the JSON writer, whose per-property escaping checks, UTF-16
    // transcoding and double formatting were most of a frame's cost; the bytes are the writer's (EventFramesTests).

    private static bool TryPlainExecuting(string? node, string? displayNode, string? promptId, out ReadOnlySpan<byte> json)
    {
        json = default;
        if (!IsPlain(node) || !IsPlain(displayNode) || !IsPlain(promptId)) return false;
        var w = new PlainWriter(t_plain ??= new byte[1024]);
        w.Append("""{"type":"executing","data":{"node":"""u8);
        if (node is null) w.Append("null"u8);
        else w.AppendString(node);
        if (displayNode is not null)
        {
            w.Append(""","display_node":"""u8);
            w.AppendString(displayNode);
        }
        if (promptId is not null)
        {
            w.Append(""","prompt_id":"""u8);
            w.AppendString(promptId);
        }
        w.Append("}}"u8);
        json = Done(w);
        return true;
    }

    private static bool TryPlainProgressState(string promptId, IReadOnlyList<NodeProgress> nodes, out ReadOnlySpan<byte> json)
    {
        json = default;
        if (!IsPlain(promptId)) return false;
        for (var i = 0; i < nodes.Count; i++)
        {
            var n = nodes[i];
            if (!IsPlain(n.NodeId) || !IsPlain(n.DisplayNodeId) || !IsPlain(n.ParentNodeId) || !IsPlain(n.RealNodeId) ||
                !IsPlainNumber(n.Value) || !IsPlainNumber(n.Max))
            {
                return false;
            }
        }
        var w = new PlainWriter(t_plain ??= new byte[1024]);
        w.Append("""{"type":"progress_state","data":{"prompt_id":"""u8);
        w.AppendString(promptId);
        w.Append(""","nodes":{"""u8);
        for (var i = 0; i < nodes.Count; i++)
        {
            var n = nodes[i];
            if (i > 0) w.Append(","u8);
            w.AppendString(n.NodeId);
            w.Append(""":{"value":"""u8);
            w.AppendNumber(n.Value);
            w.Append(""","max":"""u8);
            w.AppendNumber(n.Max);
            w.Append(n.Finished ? ""","state":"finished","node_id":"""u8 : ""","state":"running","node_id":"""u8);
            w.AppendString(n.NodeId);
            w.Append(""","prompt_id":"""u8);
            w.AppendString(promptId);
            w.Append(""","display_node_id":"""u8);
            w.AppendString(n.DisplayNodeId);
            w.Append(""","parent_node_id":"""u8);
            if (n.ParentNodeId is null) w.Append("null"u8);
            else w.AppendString(n.ParentNodeId);
            w.Append(""","real_node_id":"""u8);
            w.AppendString(n.RealNodeId);
            w.Append("}"u8);
        }
        w.Append("}}}"u8);
        json = Done(w);
        return true;
    }

    private static ReadOnlySpan<byte> Done(PlainWriter w)
    {
        // The writer grew the scratch: keep the larger one, unless a long list of nodes made it large. The span stays valid
        // either way (it holds the array).
        t_plain = w.Buffer.Length > KeptBufferBytes ? null : w.Buffer;
        return w.Written;
    }

    /// <summary>A string that is its own JSON text: ASCII the writer's encoder leaves as it is (null is plain too).</summary>
    private static bool IsPlain(string? value) => value is null || !value.AsSpan().ContainsAnyExcept(PlainChars);

    /// <summary>A number the writer prints as the integer it is (as a long prints): no fraction, no exponent, not -0.</summary>
    private static bool IsPlainNumber(double value) =>
        value == Math.Floor(value) && Math.Abs(value) < 1e15 && (value != 0 || !double.IsNegative(value));

    // The printable ASCII characters the writer's default encoder writes as themselves, asked of the encoder itself.
    private static readonly SearchValues<char> PlainChars = FindPlainChars();

    private static SearchValues<char> FindPlainChars()
    {
        var plain = new List<char>();
        for (var c = ' '; c < '\u007f'; c++)
        {
            var encoded = JsonEncodedText.Encode(c.ToString()).EncodedUtf8Bytes;
            if (encoded.Length == 1 && encoded[0] == c) plain.Add(c);
        }
        return SearchValues.Create(plain.ToArray());
    }

    [ThreadStatic] private static byte[]? t_plain;

    /// <summary>Appends JSON pieces into a growing scratch array.</summary>
    private ref struct PlainWriter(byte[] buffer)
    {
        private int _length;

        public byte[] Buffer { get; private set; } = buffer;

        public readonly ReadOnlySpan<byte> Written => Buffer.AsSpan(0, _length);

        public void Append(ReadOnlySpan<byte> utf8)
        {
            utf8.CopyTo(Reserve(utf8.Length));
            _length += utf8.Length;
        }

        /// <summary>A plain string (<see cref="IsPlain"/>), quoted.</summary>
        public void AppendString(string value)
        {
            var span = Reserve(value.Length + 2);
            span[0] = (byte)'"';
            System.Text.Ascii.FromUtf16(value, span[1..], out _);
            span[value.Length + 1] = (byte)'"';
            _length += value.Length + 2;
        }

        /// <summary>A plain number (<see cref="IsPlainNumber"/>).</summary>
        public void AppendNumber(double value)
        {
            Utf8Formatter.TryFormat((long)value, Reserve(20), out var written);
            _length += written;
        }

        private Span<byte> Reserve(int count)
        {
            if (Buffer.Length - _length < count)
            {
                var bigger = new byte[Math.Max(Buffer.Length * 2, _length + count)];
                Buffer.AsSpan(0, _length).CopyTo(bigger);
                Buffer = bigger;
            }
            return Buffer.AsSpan(_length);
        }
    }

    /// <summary>A text message as a whole frame: its header, then the JSON.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> json)
    {
        var header = WebSocketHeader.LengthFor(json.Length);
        var frame = new byte[header + json.Length];
        WebSocketHeader.WriteText(frame, json.Length);
        json.CopyTo(frame.AsSpan(header));
        return frame;
    }

    private static byte[] Write<TState>(string type, TState state, Action<Utf8JsonWriter, TState> data) => Frame(WriteJson(type, state, data));

    /// <summary>The message through the JSON writer, in this thread's scratch (valid until its next event).</summary>
    private static ReadOnlySpan<byte> WriteJson<TState>(string type, TState state, Action<Utf8JsonWriter, TState> data)
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
            return buffer.WrittenSpan;
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
