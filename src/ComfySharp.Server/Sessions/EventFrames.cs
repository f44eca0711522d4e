using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using ComfySharp.Engine.Execution;

namespace ComfySharp.Server.Sessions;

/// <summary>Serializes events to <c>{"type", "data"}</c> text frames (protocol.md §3.3), once per event whatever the number of recipients.</summary>
internal static class EventFrames
{
    private static readonly JsonWriterOptions Options = new() { Indented = false, SkipValidation = true };

    public static byte[] Status(int queueRemaining, string? sid)
    {
        return Write(w =>
        {
            w.WriteStartObject("status");
            w.WriteStartObject("exec_info");
            w.WriteNumber("queue_remaining", queueRemaining);
            w.WriteEndObject();
            w.WriteEndObject();
            if (sid is not null) w.WriteString("sid", sid);
        }, "status");
    }

    public static byte[] PromptEvent(string type, string promptId, long timestamp) => Write(w =>
    {
        w.WriteString("prompt_id", promptId);
        w.WriteNumber("timestamp", timestamp);
    }, type);

    public static byte[] Cached(string promptId, IReadOnlyList<string> nodes, long timestamp) => Write(w =>
    {
        w.WriteStartArray("nodes");
        foreach (var n in nodes) w.WriteStringValue(n);
        w.WriteEndArray();
        w.WriteString("prompt_id", promptId);
        w.WriteNumber("timestamp", timestamp);
    }, "execution_cached");

    public static byte[] Executing(string? node, string? displayNode, string? promptId) => Write(w =>
    {
        if (node is null) w.WriteNull("node");
        else w.WriteString("node", node);
        if (displayNode is not null) w.WriteString("display_node", displayNode);
        if (promptId is not null) w.WriteString("prompt_id", promptId);
    }, "executing");

    public static byte[] Progress(string promptId, string node, double value, double max) => Write(w =>
    {
        w.WriteNumber("value", value);
        w.WriteNumber("max", max);
        w.WriteString("prompt_id", promptId);
        w.WriteString("node", node);
    }, "progress");

    public static byte[] ProgressState(string promptId, IReadOnlyList<NodeProgress> nodes) => Write(w =>
    {
        w.WriteString("prompt_id", promptId);
        w.WriteStartObject("nodes");
        foreach (var n in nodes)
        {
            w.WriteStartObject(n.NodeId);
            w.WriteNumber("value", n.Value);
            w.WriteNumber("max", n.Max);
            w.WriteString("state", n.Finished ? "finished" : "running");
            w.WriteString("node_id", n.NodeId);
            w.WriteString("prompt_id", promptId);
            w.WriteString("display_node_id", n.DisplayNodeId);
            if (n.ParentNodeId is null) w.WriteNull("parent_node_id");
            else w.WriteString("parent_node_id", n.ParentNodeId);
            w.WriteString("real_node_id", n.RealNodeId);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }, "progress_state");

    public static byte[] Executed(string promptId, string node, string displayNode, JsonObject? output) => Write(w =>
    {
        w.WriteString("node", node);
        w.WriteString("display_node", displayNode);
        w.WritePropertyName("output");
        if (output is null) w.WriteNullValue();
        else output.WriteTo(w);
        w.WriteString("prompt_id", promptId);
    }, "executed");

    public static byte[] Data(string type, JsonNode data) => Write(w =>
    {
        foreach (var (k, v) in data.AsObject())
        {
            w.WritePropertyName(k);
            if (v is null) w.WriteNullValue();
            else v.WriteTo(w);
        }
    }, type);

    private static byte[] Write(Action<Utf8JsonWriter> data, string type)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            w.WriteStartObject();
            w.WriteString("type", type);
            w.WriteStartObject("data");
            data(w);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
