using System.Text.Json.Nodes;

namespace ComfySharp.Client.Events;

/// <summary>Turns one JSON text frame into a typed event (protocol.md §3.3). Fields it cannot read stay null, never throw.</summary>
internal static class EventParser
{
    /// <summary>Null when the frame is not a JSON object with a string <c>type</c>.</summary>
    public static ComfyEvent? Parse(ReadOnlySpan<byte> utf8)
    {
        JsonNode? node;
        try
        {
            node = TolerantJson.Parse(utf8);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
        if (node is not JsonObject message || Str(message["type"]) is not { } type) return null;
        var data = message["data"] as JsonObject ?? [];
        return FromData(type, data) with { Data = data };
    }

    private static ComfyEvent FromData(string type, JsonObject d) => type switch
    {
        "status" => new StatusEvent((int)(Num(d["status"]?["exec_info"]?["queue_remaining"]) ?? 0), Str(d["sid"])),
        "execution_start" when Str(d["prompt_id"]) is { } id => new ExecutionStartEvent(id, Long(d["timestamp"])),
        "execution_cached" when Str(d["prompt_id"]) is { } id => new ExecutionCachedEvent(id, Strings(d["nodes"]), Long(d["timestamp"])),
        "executing" => new ExecutingEvent(Str(d["node"]), Str(d["display_node"]), Str(d["prompt_id"])),
        "progress" => new ProgressEvent(Num(d["value"]) ?? 0, Num(d["max"]) ?? 0, Str(d["prompt_id"]), Str(d["node"])),
        // Sent after every node with the state of every node so far: its map is read only when asked for.
        "progress_state" => new ProgressStateEvent(Str(d["prompt_id"]), new LazyNodeStates(d["nodes"] as JsonObject)),
        "executed" when Str(d["node"]) is { } node => new ExecutedEvent(node, Str(d["display_node"]), d["output"] as JsonObject, Str(d["prompt_id"])),
        "execution_success" when Str(d["prompt_id"]) is { } id => new ExecutionSuccessEvent(id, Long(d["timestamp"])),
        "execution_error" => new ExecutionErrorEvent(ExecutionErrorInfo.FromJson(d)),
        "execution_interrupted" when Str(d["prompt_id"]) is { } id =>
            new ExecutionInterruptedEvent(id, Str(d["node_id"]), Str(d["node_type"]), Strings(d["executed"]), Long(d["timestamp"])),
        "feature_flags" => new FeatureFlagsEvent(d),
        "logs" => new LogsEvent(Logs(d["entries"] as JsonArray)),
        _ => new UnknownEvent(type),
    };

    internal static Dictionary<string, NodeProgress> NodeStates(JsonObject? nodes)
    {
        var states = new Dictionary<string, NodeProgress>(StringComparer.Ordinal);
        if (nodes is null) return states;
        foreach (var (id, value) in nodes)
        {
            if (value is not JsonObject s) continue;
            states[id] = new NodeProgress(Str(s["node_id"]) ?? id, Num(s["value"]) ?? 0, Num(s["max"]) ?? 0, Str(s["state"]) ?? "",
                Str(s["display_node_id"]), Str(s["parent_node_id"]), Str(s["real_node_id"]));
        }
        return states;
    }

    private static List<LogEntry> Logs(JsonArray? entries)
    {
        var list = new List<LogEntry>();
        if (entries is null) return list;
        foreach (var e in entries) list.Add(new LogEntry(Str(e?["t"]), Str(e?["m"])));
        return list;
    }

    internal static string? Str(JsonNode? node) => node is JsonValue v ? v.TryGetValue<string>(out var s) ? s : v.ToJsonString() : null;

    internal static double? Num(JsonNode? node)
    {
        if (node is not JsonValue v) return null;
        if (v.TryGetValue<double>(out var d)) return d;
        // Values built in code (JsonValue.Create(42)) only convert to their own CLR type.
        return v.GetValueKind() == System.Text.Json.JsonValueKind.Number
            ? double.Parse(v.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture)
            : null;
    }

    internal static long? Long(JsonNode? node) => Num(node) is { } d ? (long)d : null;

    internal static List<string> Strings(JsonNode? node)
    {
        var list = new List<string>();
        if (node is not JsonArray array) return list;
        foreach (var item in array)
        {
            if (Str(item) is { } s) list.Add(s);
        }
        return list;
    }
}
