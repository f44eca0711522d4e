using System.Text.Json;
using System.Text.Json.Nodes;
using ComfySharp.Engine.Execution;
using ComfySharp.Engine.Queue;
using ComfySharp.Server.Http;

namespace ComfySharp.Server.Routes;

/// <summary><c>/queue</c>, <c>/interrupt</c>, <c>/free</c> (protocol.md §2.4–2.7).</summary>
internal static class QueueRoutes
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/queue", GetQueue);
        app.MapPost("/queue", PostQueueAsync);
        app.MapPost("/interrupt", InterruptAsync);
        app.MapPost("/free", FreeAsync);
    }

    private static Task GetQueue(HttpContext context, PromptQueue queue)
    {
        var (running, pending) = queue.Snapshot();
        var runningJson = new JsonArray();
        foreach (var item in running) runningJson.Add(HistoryEntries.QueueTuple(item));
        // ComfyUI returns the heap's array order; sorted by (number, prompt_id) is one valid heap order and easier on clients.
        var pendingJson = new JsonArray();
        foreach (var item in pending) pendingJson.Add(HistoryEntries.QueueTuple(item));
        return JsonResults.Write(context, new JsonObject { ["queue_running"] = runningJson, ["queue_pending"] = pendingJson });
    }

    private static async Task PostQueueAsync(HttpContext context, PromptQueue queue)
    {
        var body = await ReadObjectAsync(context);
        if (body is null) return;
        if (PromptRoutes.IsTruthy(body["clear"])) await queue.ClearAsync(CancellationToken.None);
        if (body["delete"] is JsonArray delete) await queue.DeleteAsync(Strings(delete), CancellationToken.None);
        await JsonResults.Ok(context);
    }

    private static async Task InterruptAsync(HttpContext context, PromptQueue queue)
    {
        JsonNode? body = null;
        try
        {
            body = await RequestBodies.ReadAsync(context.Request, context.RequestAborted);
        }
        catch (JsonException)
        {
            // ComfyUI tolerates an empty or invalid body here: it means a global interrupt.
        }
        var promptId = body is JsonObject o && o["prompt_id"] is JsonValue v && v.TryGetValue<string>(out var id) && id.Length > 0 ? id : null;
        queue.Interrupt(promptId);
        await JsonResults.Ok(context);
    }

    private static async Task FreeAsync(HttpContext context, PromptWorker worker, ModelUnloading unloading)
    {
        var body = await ReadObjectAsync(context);
        if (body is null) return;
        // ComfyUI: free_memory drops every cached result and implies unload_models, which frees loaded models.
        var freeMemory = PromptRoutes.IsTruthy(body["free_memory"]);
        if (freeMemory) worker.RequestFreeMemory();
        if (freeMemory || PromptRoutes.IsTruthy(body["unload_models"])) _ = unloading.UnloadAllAsync();
        await JsonResults.Ok(context);
    }

    /// <summary>Reads a JSON object body; answers 400 itself (and returns null) for anything else.</summary>
    internal static async Task<JsonObject?> ReadObjectAsync(HttpContext context)
    {
        JsonNode? body;
        try
        {
            body = await RequestBodies.ReadAsync(context.Request, context.RequestAborted);
        }
        catch (JsonException ex)
        {
            await JsonResults.SimpleError(context, $"Request body must be valid JSON: {ex.Message}");
            return null;
        }
        if (body is JsonObject o) return o;
        await JsonResults.SimpleError(context, "Request body must be a JSON object");
        return null;
    }

    internal static List<string> Strings(JsonArray array)
    {
        var list = new List<string>(array.Count);
        foreach (var item in array)
        {
            if (item is JsonValue v && v.TryGetValue<string>(out var s)) list.Add(s);
        }
        return list;
    }
}
