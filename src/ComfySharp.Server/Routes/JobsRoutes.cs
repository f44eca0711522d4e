using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ComfySharp.Engine.Queue;
using ComfySharp.Server.Http;

namespace ComfySharp.Server.Routes;

/// <summary>
/// The jobs API of the current frontend (protocol.md §2.17). Declared as <c>/api/jobs…</c> in ComfyUI, hence also
/// reachable as <c>/api/api/jobs…</c>; the <c>/api</c> path base strips one prefix, so both forms are mapped here.
/// </summary>
internal static class JobsRoutes
{
    private static readonly HashSet<string> Statuses = ["pending", "in_progress", "completed", "failed", "cancelled"];

    public static void Map(WebApplication app)
    {
        foreach (var prefix in (string[])["/jobs", "/api/jobs"])
        {
            app.MapGet(prefix, ListAsync);
            app.MapPost(prefix + "/cancel", CancelManyAsync);
            app.MapGet(prefix + "/{jobId}", GetAsync);
            app.MapPost(prefix + "/{jobId}/cancel", CancelOneAsync);
        }
    }

    private static async Task ListAsync(HttpContext context, PromptQueue queue, IPromptStore store)
    {
        var query = context.Request.Query;
        HashSet<string>? wanted = null;
        if (query["status"].ToString() is { Length: > 0 } statusText)
        {
            wanted = [];
            foreach (var s in statusText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!Statuses.Contains(s))
                {
                    await JsonResults.SimpleError(context, $"Invalid status: {s}. Valid values: pending, in_progress, completed, failed, cancelled");
                    return;
                }
                wanted.Add(s);
            }
        }
        var sortBy = query["sort_by"].ToString() is { Length: > 0 } sb ? sb : "created_at";
        if (sortBy is not ("created_at" or "execution_duration"))
        {
            await JsonResults.SimpleError(context, "sort_by must be 'created_at' or 'execution_duration'");
            return;
        }
        var sortOrder = query["sort_order"].ToString() is { Length: > 0 } so ? so : "desc";
        if (sortOrder is not ("asc" or "desc"))
        {
            await JsonResults.SimpleError(context, "sort_order must be 'asc' or 'desc'");
            return;
        }
        int? limit = null;
        if (query["limit"].ToString() is { Length: > 0 } limitText)
        {
            if (!int.TryParse(limitText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) || l <= 0)
            {
                await JsonResults.SimpleError(context, "limit must be a positive integer");
                return;
            }
            limit = l;
        }
        var offset = 0;
        if (query["offset"].ToString() is { Length: > 0 } offsetText)
        {
            if (!int.TryParse(offsetText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out offset))
            {
                await JsonResults.SimpleError(context, "offset must be an integer");
                return;
            }
            offset = Math.Max(0, offset);
        }
        var workflowId = query["workflow_id"].ToString();

        var jobs = await AllJobsAsync(queue, store, context.RequestAborted);
        var selected = new List<Job>();
        foreach (var job in jobs)
        {
            if (wanted is not null && !wanted.Contains(job.Status)) continue;
            if (workflowId.Length > 0 && job.WorkflowId != workflowId) continue;
            selected.Add(job);
        }
        Comparison<Job> compare = sortBy == "execution_duration"
            ? static (a, b) => (a.Duration ?? -1).CompareTo(b.Duration ?? -1)
            : static (a, b) => (a.CreateTime ?? 0).CompareTo(b.CreateTime ?? 0);
        selected.Sort(sortOrder == "asc" ? compare : (a, b) => compare(b, a));

        var page = new JsonArray();
        var end = limit is null ? selected.Count : Math.Min(selected.Count, offset + limit.Value);
        for (var i = offset; i < end; i++) page.Add(selected[i].Summary());
        await JsonResults.Write(context, new JsonObject
        {
            ["jobs"] = page,
            ["pagination"] = new JsonObject
            {
                ["offset"] = offset,
                ["limit"] = limit,
                ["total"] = selected.Count,
                ["has_more"] = end < selected.Count,
            },
        });
    }

    private static async Task GetAsync(HttpContext context, string jobId, PromptQueue queue, IPromptStore store)
    {
        var job = await FindAsync(jobId, queue, store, context.RequestAborted);
        if (job is null)
        {
            await JsonResults.SimpleError(context, "Job not found", StatusCodes.Status404NotFound);
            return;
        }
        await JsonResults.Write(context, job.Detail());
    }

    private static async Task CancelOneAsync(HttpContext context, string jobId, PromptQueue queue)
    {
        var cancelled = await CancelAsync(jobId, queue);
        await JsonResults.Write(context, new JsonObject { ["cancelled"] = cancelled });
    }

    private static async Task CancelManyAsync(HttpContext context, PromptQueue queue)
    {
        JsonNode? body;
        try
        {
            body = await RequestBodies.ReadAsync(context.Request, context.RequestAborted);
        }
        catch (JsonException)
        {
            await JsonResults.SimpleError(context, "Request body must be valid JSON");
            return;
        }
        if (body is not JsonObject o || o["job_ids"] is not JsonArray ids)
        {
            await JsonResults.SimpleError(context, "job_ids must be a list");
            return;
        }
        var invalid = new JsonArray();
        var valid = new List<string>();
        foreach (var id in ids)
        {
            if (id is JsonValue v && v.TryGetValue<string>(out var s) && PromptRoutes.IsCanonicalUuid(s)) valid.Add(s);
            else invalid.Add(id?.DeepClone());
        }
        if (invalid.Count > 0)
        {
            await JsonResults.Write(context, new JsonObject { ["error"] = "job_ids contains invalid id(s)", ["invalid_ids"] = invalid },
                StatusCodes.Status400BadRequest);
            return;
        }
        var any = false;
        foreach (var id in valid) any |= await CancelAsync(id, queue);
        await JsonResults.Write(context, new JsonObject { ["cancelled"] = any });
    }

    /// <summary>Running → interrupted (only if it is still that job); pending → removed; anything else → false.</summary>
    private static async Task<bool> CancelAsync(string jobId, PromptQueue queue)
    {
        if (queue.Interrupt(jobId)) return true;
        return await queue.DeleteAsync([jobId], CancellationToken.None) > 0;
    }

    private static async Task<Job?> FindAsync(string id, PromptQueue queue, IPromptStore store, CancellationToken ct)
    {
        var (running, _) = queue.Snapshot();
        if (running.Find(r => r.PromptId == id) is { } item) return Job.FromQueue(item, "in_progress");
        if (queue.TryGetPending(id, out var pending)) return Job.FromQueue(pending, "pending");
        var record = await store.GetHistoryAsync(id, ct);
        return record is null ? null : Job.FromHistory(record);
    }

    private static async Task<List<Job>> AllJobsAsync(PromptQueue queue, IPromptStore store, CancellationToken ct)
    {
        var (running, pending) = queue.Snapshot();
        var jobs = new List<Job>();
        foreach (var item in running) jobs.Add(Job.FromQueue(item, "in_progress"));
        foreach (var item in pending) jobs.Add(Job.FromQueue(item, "pending"));
        foreach (var record in await store.ReadHistoryAsync(0, null, ct)) jobs.Add(Job.FromHistory(record));
        return jobs;
    }
}
