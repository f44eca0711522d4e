using System.Text.Json.Nodes;
using ComfySharp.Engine.Queue;

namespace ComfySharp.Server.Routes;

/// <summary>One job of the jobs API, from a queue item or a history entry (protocol.md §2.17).</summary>
internal sealed class Job
{
    private static readonly string[] PreviewKeys = ["images", "video", "audio", "3d", "text"];
    private static readonly string[] ThreeDExtensions = [".obj", ".fbx", ".gltf", ".glb", ".usdz"];

    private Job(string id, string status, double priority, JsonObject extraData, JsonObject prompt)
    {
        Id = id;
        Status = status;
        Priority = priority;
        ExtraData = extraData;
        Prompt = prompt;
        CreateTime = extraData["create_time"] is JsonValue v && v.TryGetValue<long>(out var t) ? t : null;
        WorkflowId = extraData["extra_pnginfo"]?["workflow"]?["id"] is JsonValue w && w.TryGetValue<string>(out var wid) ? wid : null;
    }

    public string Id { get; }
    public string Status { get; private set; }
    public double Priority { get; }
    public JsonObject ExtraData { get; }
    public JsonObject Prompt { get; }
    public long? CreateTime { get; }
    public string? WorkflowId { get; }
    public long? StartTime { get; private set; }
    public long? EndTime { get; private set; }
    public long? Duration => StartTime is { } s && EndTime is { } e ? e - s : null;
    public JsonObject? Error { get; private set; }
    public JsonObject? Outputs { get; private set; }
    public JsonObject? ExecutionStatus { get; private set; }

    public static Job FromQueue(QueueItem item, string status) => new(item.PromptId, status, item.Number, item.ExtraData, item.Prompt);

    public static Job FromHistory(HistoryRecord record)
    {
        var entry = JsonNode.Parse(record.Utf8Json)!.AsObject();
        var tuple = entry["prompt"] as JsonArray;
        var job = new Job(record.PromptId, "completed", record.Number, tuple?[3] as JsonObject ?? [], tuple?[2] as JsonObject ?? [])
        {
            Outputs = entry["outputs"] as JsonObject ?? [],
            ExecutionStatus = entry["status"] as JsonObject,
        };
        var interrupted = false;
        if (job.ExecutionStatus?["messages"] is JsonArray messages)
        {
            foreach (var message in messages)
            {
                if (message is not JsonArray { Count: 2 } pair) continue;
                var type = (string?)pair[0];
                var data = pair[1] as JsonObject;
                var timestamp = data?["timestamp"] is JsonValue tv && tv.TryGetValue<long>(out var ts) ? ts : (long?)null;
                switch (type)
                {
                    case "execution_start":
                        job.StartTime = timestamp;
                        break;
                    case "execution_success":
                        job.EndTime = timestamp;
                        break;
                    case "execution_error":
                        job.EndTime = timestamp;
                        job.Error = data;
                        break;
                    case "execution_interrupted":
                        job.EndTime = timestamp;
                        interrupted = true;
                        break;
                }
            }
        }
        var statusStr = (string?)job.ExecutionStatus?["status_str"];
        job.Status = statusStr == "error" ? interrupted ? "cancelled" : "failed" : "completed";
        return job;
    }

    public JsonObject Summary()
    {
        var o = new JsonObject { ["id"] = Id, ["status"] = Status, ["priority"] = HistoryEntries.NumberJson(Priority) };
        if (CreateTime is not null) o["create_time"] = CreateTime;
        if (StartTime is not null) o["execution_start_time"] = StartTime;
        if (EndTime is not null) o["execution_end_time"] = EndTime;
        if (Error is not null) o["execution_error"] = Error.DeepClone();
        var (count, preview) = ScanOutputs();
        o["outputs_count"] = count;
        if (preview is not null) o["preview_output"] = preview;
        if (WorkflowId is not null) o["workflow_id"] = WorkflowId;
        return o;
    }

    public JsonObject Detail()
    {
        var o = Summary();
        if (Outputs is not null) o["outputs"] = Outputs.DeepClone();
        if (ExecutionStatus is not null) o["execution_status"] = ExecutionStatus.DeepClone();
        o["workflow"] = new JsonObject { ["prompt"] = Prompt.DeepClone(), ["extra_data"] = ExtraData.DeepClone() };
        return o;
    }

    /// <summary>Counts output items and picks the first previewable one, preferring files of type "output".</summary>
    private (int Count, JsonObject? Preview) ScanOutputs()
    {
        if (Outputs is null) return (0, null);
        var count = 0;
        JsonObject? first = null;
        JsonObject? firstOutput = null;
        foreach (var (nodeId, nodeOutput) in Outputs)
        {
            if (nodeOutput is not JsonObject media) continue;
            foreach (var (key, value) in media)
            {
                if (key == "animated" || value is not JsonArray items) continue;
                count += items.Count;
                foreach (var item in items)
                {
                    if (item is not JsonObject file || !IsPreviewable(key, file)) continue;
                    var candidate = (JsonObject)file.DeepClone();
                    candidate["nodeId"] = nodeId;
                    candidate["mediaType"] = key;
                    first ??= candidate;
                    if (firstOutput is null && (string?)file["type"] == "output") firstOutput = candidate;
                }
            }
        }
        return (count, firstOutput ?? first);
    }

    private static bool IsPreviewable(string key, JsonObject item)
    {
        if (Array.IndexOf(PreviewKeys, key) >= 0) return true;
        if ((string?)item["format"] is { } format && (format.StartsWith("video/", StringComparison.Ordinal) || format.StartsWith("audio/", StringComparison.Ordinal)))
        {
            return true;
        }
        return (string?)item["filename"] is { } name && Array.Exists(ThreeDExtensions, e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase));
    }
}
